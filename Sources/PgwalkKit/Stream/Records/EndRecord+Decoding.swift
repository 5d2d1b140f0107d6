extension EndRecord {
    /// `struct pgwalk_rec_end` (FORMAT.md 5.9): field offsets and size.
    enum Layout {
        static let status = 8
        static let chunks = 12
        static let walkedTo = 16
        static let streamBytes = 24
        static let records = 32
        static let size = 40
    }

    /// Decodes the END record: its byte and record counts must be those of
    /// the stream before it.
    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        self.init(status: bytes.s32(Layout.status), chunks: bytes.u32(Layout.chunks),
                  walkedTo: bytes.u64(Layout.walkedTo), streamBytes: bytes.u64(Layout.streamBytes),
                  records: bytes.u64(Layout.records))
        guard streamBytes == context.offset else {
            throw .endCountMismatch(field: "stream_bytes", recorded: streamBytes, actual: context.offset)
        }
        guard records == UInt64(context.index) else {
            throw .endCountMismatch(field: "records", recorded: records, actual: UInt64(context.index))
        }
    }
}
