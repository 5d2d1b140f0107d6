extension HugetlbRecord {
    /// `struct pgwalk_rec_hugetlb` (FORMAT.md 5.6): field offsets and size.
    enum Layout {
        static let addr = 8
        static let next = 16
        static let hmask = 24
        static let raw = 32
        static let info = 40
        static let size = 48
    }

    /// Decodes a HUGETLB record: a huge page size of at least a page and a
    /// power of two, a range within the walked one and within that page, in
    /// walk order.
    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        let addr = bytes.u64(Layout.addr)
        let next = bytes.u64(Layout.next)
        let hmask = bytes.u64(Layout.hmask)
        let size = ~hmask &+ 1
        guard size >= context.header.geometry.pageSize, size & (size &- 1) == 0 else { throw .badHugePage(hmask: hmask) }
        try context.order.checkInRange(addr, next)
        guard addr & context.limits.pageMask == 0 else { throw .misaligned(addr) }
        let pageEnd = (addr & hmask) &+ size
        guard pageEnd == 0 || next <= pageEnd else { throw .badHugePage(hmask: hmask) }
        try context.order.checkOrder(addr)
        context.order.cover(to: next)
        self.init(addr: addr, next: next, hmask: hmask, raw: bytes.u64(Layout.raw),
                  info: try context.info(bytes.u64(Layout.info)))
    }
}
