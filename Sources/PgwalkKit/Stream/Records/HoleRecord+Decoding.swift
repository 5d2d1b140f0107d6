extension HoleRecord {
    /// `struct pgwalk_rec_hole` (FORMAT.md 5.5): field offsets and size.
    enum Layout {
        static let addr = 8
        static let end = 16
        static let size = 24
    }

    /// Decodes a HOLE record (arg8 the depth as a signed byte, arg16 the
    /// merged `pte_hole` calls): a depth the geometry can report, a
    /// page-aligned range in walk order, and a count that matches it.
    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        let depthByte = Int8(bitPattern: head.arg8)
        guard let depth = HoleDepth(rawValue: depthByte) else { throw .badHoleDepth(depthByte) }
        let geometry = context.header.geometry
        // real_depth() never reports a folded level (depth 1 on 4-level x86).
        if let level = depth.level, geometry.realDepth(level) != depth { throw .badHoleDepth(depth.rawValue) }
        let addr = bytes.u64(Layout.addr)
        let end = bytes.u64(Layout.end)
        let pageMask = context.limits.pageMask
        try context.order.checkInRange(addr, end)
        guard addr & pageMask == 0 else { throw .misaligned(addr) }
        guard end & pageMask == 0 else { throw .misaligned(end) }
        try context.order.checkOrder(addr)
        self.init(addr: addr, end: end, depth: depth, count: Int(head.arg16))
        let calls = callCount(geometry: geometry)
        guard calls == UInt64(count) else { throw .holeCountMismatch(count: count, calls: Int(clamping: calls)) }
        context.order.cover(to: end)
    }
}
