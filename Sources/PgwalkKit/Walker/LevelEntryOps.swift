/// An ops type that treats the entry callbacks of every level alike: the
/// five of ``PageWalkOps`` (`pgd_entry` ... `pte_entry`) become one
/// ``levelEntry(_:_:addr:next:walk:)`` that is told the callback's level.
///
/// The level is the callback's, not the entry's: with folded levels the
/// walker calls `p4d_entry` on the same slot as `pgd_entry`.
public protocol LevelEntryOps: PageWalkOps {
    /// Any entry callback; `level` says which one the walker called.
    mutating func levelEntry(_ level: PageTableLevel, _ entry: PageTableEntry, addr: UInt64, next: UInt64,
                             walk: inout WalkContext) -> Int32
}

extension LevelEntryOps {
    public mutating func pgdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        levelEntry(.pgd, entry, addr: addr, next: next, walk: &walk)
    }

    public mutating func p4dEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        levelEntry(.p4d, entry, addr: addr, next: next, walk: &walk)
    }

    public mutating func pudEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        levelEntry(.pud, entry, addr: addr, next: next, walk: &walk)
    }

    public mutating func pmdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        levelEntry(.pmd, entry, addr: addr, next: next, walk: &walk)
    }

    public mutating func pteEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        levelEntry(.pte, entry, addr: addr, next: next, walk: &walk)
    }
}
