/// What a record is checked against as it decodes itself: the stream's
/// header, the limits worked out from it once, the walk order so far, and
/// where in the stream the record is.
struct RecordContext {
    let header: StreamHeader
    let limits: RecordLimits
    var order: StreamOrderValidator
    /// Stream offset of the record being decoded.
    var offset: UInt64 = 0
    /// Records before it.
    var index = 0

    init(header: StreamHeader) {
        self.header = header
        self.limits = RecordLimits(header.geometry)
        self.order = StreamOrderValidator(header: header)
    }

    /// An info word (FORMAT.md 4), checked.
    func info(_ word: UInt64) throws(StreamDecodingError.Reason) -> EntryInfo {
        guard let info = EntryInfo(rawValue: word) else { throw .badInfoKind(word) }
        return info
    }

    /// The checks PTE_RUN, NONE_RUN and PTE_SEQ share (FORMAT.md 5.3, 5.4,
    /// 5.10): `count` consecutive `pte_entry` calls from `addr`, at the PTE
    /// level, within one PTE table, in walk order. Covers the run.
    mutating func checkRun(level: UInt8, count: Int, addr: UInt64) throws(StreamDecodingError.Reason) {
        guard level == UInt8(PageTableLevel.pte.rawValue) else { throw .badLevel(level) }
        let maximum = limits.ptesPerTable
        guard count >= 1, count <= maximum else { throw .badRunCount(count: count, maximum: maximum) }
        guard addr & limits.pageMask == 0 else { throw .misaligned(addr) }
        let (end, overflow) = addr.addingReportingOverflow(UInt64(count) << limits.pageShift)
        guard !overflow else { throw .runCrossesTable(address: addr, count: count) }
        try order.checkInRange(addr, end)
        guard addr & ~limits.pteTableSpanMask == (end - 1) & ~limits.pteTableSpanMask else {
            throw .runCrossesTable(address: addr, count: count)
        }
        try order.checkOrder(addr)
        order.cover(to: end)
    }
}
