extension PTERunRecord {
    /// `struct pgwalk_rec_pte_run` (FORMAT.md 5.3): field offsets; `arg16`
    /// elements (`struct pgwalk_pte`) follow the fixed part.
    enum Layout {
        static let addr = 8
        /// The first element.
        static let elements = 16
        /// The fixed part.
        static let size = 16
        /// `struct pgwalk_pte`: one element's fields and size.
        enum Element {
            static let raw = 0
            static let info = 8
            static let size = 16
        }
    }

    /// The length of a PTE_RUN record of `count` elements.
    static func length(count: UInt16) -> UInt32 {
        UInt32(Layout.size) + UInt32(Layout.Element.size) * UInt32(count)
    }

    /// Decodes a PTE_RUN record (arg8 the PTE level, arg16 the count): a
    /// run within one PTE table, every element's info word valid.
    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        let count = Int(head.arg16)
        let addr = bytes.u64(Layout.addr)
        try context.checkRun(level: head.arg8, count: count, addr: addr)
        var entries: [PTEValue] = []
        entries.reserveCapacity(count)
        for element in 0..<count {
            let at = Layout.elements + Layout.Element.size * element
            entries.append(PTEValue(raw: bytes.u64(at + Layout.Element.raw),
                                    info: try context.info(bytes.u64(at + Layout.Element.info))))
        }
        self.init(addr: addr, entries: entries)
    }
}
