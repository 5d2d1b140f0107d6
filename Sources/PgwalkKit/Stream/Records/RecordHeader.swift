/// The 8 bytes that open every record (`struct pgwalk_rec_hdr`, FORMAT.md
/// section 5): the record's type, two arguments whose meaning is the
/// type's, and its length.
struct RecordHeader {
    /// Byte offsets of the fields.
    enum Layout {
        static let type = 0
        static let arg8 = 1
        static let arg16 = 2
        static let length = 4
        static let size = 8
    }

    /// `PGWALK_REC_*`.
    let type: UInt8
    /// A level, depth, backing or callback, per record type.
    let arg8: UInt8
    /// A count, action or name length, per record type.
    let arg16: UInt16
    /// Bytes of the record, this header included.
    let length: UInt32

    @inline(__always)
    init(_ bytes: LittleEndianReader) {
        type = bytes.u8(Layout.type)
        arg8 = bytes.u8(Layout.arg8)
        arg16 = bytes.u16(Layout.arg16)
        length = bytes.u32(Layout.length)
    }
}
