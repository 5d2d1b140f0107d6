/// A run of consecutive pages that changed the same way: the same
/// ``PageChange`` and flag changes, from rows of the same kind to rows of
/// the same kind, whose frames (or swap offsets) continue one another on
/// both sides, so that the run describes each of its pages exactly.
public struct ChangeRun: Hashable, Sendable {
    /// The run's first address.
    public var start: UInt64
    /// The run's end (exclusive).
    public var end: UInt64
    /// How the pages changed.
    public var change: PageChange
    /// The pages before, clipped to the run (nil: no VMA or not walked).
    public var before: MappingRow?
    /// The pages after, clipped to the run (nil: no VMA or not walked).
    public var after: MappingRow?
    /// Entry flags set after that were clear before.
    public var flagsSet: EntryFlags
    /// Entry flags clear after that were set before.
    public var flagsCleared: EntryFlags

    /// A run of pages over `[start, end)` that changed alike.
    public init(start: UInt64, end: UInt64, change: PageChange, before: MappingRow?, after: MappingRow?,
                flagsSet: EntryFlags = [], flagsCleared: EntryFlags = []) {
        self.start = start
        self.end = end
        self.change = change
        self.before = before
        self.after = after
        self.flagsSet = flagsSet
        self.flagsCleared = flagsCleared
    }

    /// How many pages the run spans.
    public func pageCount(pageShift: Int = 12) -> UInt64 { (end - start) >> UInt64(pageShift) }
}

extension MappingRow {
    /// The part of the row in `[from, to)`, its payload advanced to `from`.
    func clipped(from: UInt64, to: UInt64, pageShift: Int) -> MappingRow {
        var row = self
        row.payload = payload(at: from, pageShift: pageShift)
        row.start = from
        row.end = to
        return row
    }

    /// Whether `next` continues this row: it starts where this ends and
    /// maps alike (the rule rows merge by).
    func isContinued(by next: MappingRow, pageShift: Int) -> Bool {
        end == next.start && placement == next.placement && kind == next.kind && flags == next.flags
            && swapType == next.swapType && payloadStep == next.payloadStep
            && payload(at: next.start, pageShift: pageShift) == next.payload
    }
}
