/// A plain ``PageWalkOps`` seen as a ``StreamReplayOps``: every run of a
/// stream reaches it as one `pte_entry` call per page (the defaults).
struct EntryByEntryReplay<Base: PageWalkOps>: StreamReplayOps {
    var base: Base

    var callbacks: Set<WalkCallback> { base.callbacks }

    mutating func pgdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        base.pgdEntry(entry, addr: addr, next: next, walk: &walk)
    }

    mutating func p4dEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        base.p4dEntry(entry, addr: addr, next: next, walk: &walk)
    }

    mutating func pudEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        base.pudEntry(entry, addr: addr, next: next, walk: &walk)
    }

    mutating func pmdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        base.pmdEntry(entry, addr: addr, next: next, walk: &walk)
    }

    mutating func pteEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        base.pteEntry(entry, addr: addr, next: next, walk: &walk)
    }

    mutating func pteHole(addr: UInt64, next: UInt64, depth: HoleDepth, walk: inout WalkContext) -> Int32 {
        base.pteHole(addr: addr, next: next, depth: depth, walk: &walk)
    }

    mutating func hugetlbEntry(_ entry: PageTableEntry, hmask: UInt64, addr: UInt64, next: UInt64,
                               walk: inout WalkContext) -> Int32 {
        base.hugetlbEntry(entry, hmask: hmask, addr: addr, next: next, walk: &walk)
    }

    mutating func testWalk(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 {
        base.testWalk(start: start, end: end, walk: &walk)
    }

    mutating func preVMA(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 {
        base.preVMA(start: start, end: end, walk: &walk)
    }

    mutating func postVMA(walk: inout WalkContext) {
        base.postVMA(walk: &walk)
    }
}
