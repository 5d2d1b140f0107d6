/// A PTE_SEQ record (FORMAT.md 5.10): consecutive `pte_entry` calls whose
/// entries advance uniformly, so that element `i` is the PTE_RUN element
/// `{raw + i * rawStep, info + i * infoStep}`. The module writes them only
/// when the request asked for `seq`; they are a compact PTE_RUN and mean
/// exactly what the expanded run means.
public struct PTESeqRecord: Hashable, Sendable {
    /// The address of the first PTE.
    public var addr: UInt64
    /// How many PTEs the sequence holds.
    public var count: Int
    /// The first element.
    public var first: PTERunRecord.PTEValue
    /// What each further PTE's raw value adds (u64 arithmetic, wrapping).
    public var rawStep: UInt64
    /// Added to the whole info word per element (1 << 24 advances the
    /// payload by one page frame).
    public var infoStep: UInt64

    /// A PTE_SEQ record of `count` PTEs from `first`, advancing by the steps.
    public init(addr: UInt64, count: Int, first: PTERunRecord.PTEValue, rawStep: UInt64, infoStep: UInt64) {
        self.addr = addr
        self.count = count
        self.first = first
        self.rawStep = rawStep
        self.infoStep = infoStep
    }

    /// Element `index` (0 ..< count). The decoder has checked that every
    /// element's info word is valid.
    public func element(_ index: Int) -> PTERunRecord.PTEValue {
        let i = UInt64(index)
        return PTERunRecord.PTEValue(raw: first.raw &+ i &* rawStep,
                                     info: EntryInfo(rawValue: first.info.rawValue &+ i &* infoStep)!)
    }

    /// Calls `body` with each element as a PTE and its address, in order,
    /// and stops at the first nonzero result, which it returns, as a walk's
    /// `pte_entry` calls stop.
    public func forEachEntry(pageSize: UInt64, _ body: (PageTableEntry, UInt64) -> Int32) -> Int32 {
        var addr = self.addr
        for index in 0..<count {
            let value = element(index)
            let result = body(PageTableEntry(level: .pte, raw: value.raw, info: value.info), addr)
            if result != 0 { return result }
            addr &+= pageSize
        }
        return 0
    }

    /// The same calls as a PTE_RUN: what a stream without `seq` would carry.
    public var run: PTERunRecord {
        PTERunRecord(addr: addr, entries: (0..<count).map(element))
    }

    /// Whether only the payload advances (by `payloadStep` per element) and
    /// kind, flags and swap type stay those of the first element.
    public func advancesPayloadOnly(by payloadStep: UInt64) -> Bool {
        infoStep == payloadStep << EntryInfo.payloadShift
    }

    /// The end of the record's coverage: `addr + count * pageSize`.
    public func end(pageSize: UInt64) -> UInt64 { addr &+ UInt64(count) * pageSize }
}
