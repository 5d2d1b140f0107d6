extension NoneRunRecord {
    /// `struct pgwalk_rec_none_run` (FORMAT.md 5.4): field offsets and size.
    enum Layout {
        static let addr = 8
        static let size = 16
    }

    /// Decodes a NONE_RUN record (arg8 the PTE level, arg16 the count): a
    /// run within one PTE table.
    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        let count = Int(head.arg16)
        let addr = bytes.u64(Layout.addr)
        try context.checkRun(level: head.arg8, count: count, addr: addr)
        self.init(addr: addr, count: count)
    }
}
