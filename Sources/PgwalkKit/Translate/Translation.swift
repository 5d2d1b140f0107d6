/// The path of one virtual address through the page tables, level by level,
/// as the kernel's walker found it: what `pgwalkctl translate` shows, in the
/// spirit of crash's `vtop`.
///
/// Built by ``TranslationCollector`` from the walk's callbacks, so every raw
/// value is one the stream carried; nothing is read or inferred elsewhere.
public struct Translation: Sendable {
    /// One level of the path: the entry the walker saw there.
    public struct Step: Sendable {
        /// The level of the entry.
        public var level: PageTableLevel
        /// The entry's index in its table (`pgd_index()`, ...; 0 for a folded level).
        public var index: Int
        /// The raw value from the stream; nil where the stream carries none
        /// (a hole: the walker reports the missing entry without its value).
        public var raw: UInt64?
        /// What the module decoded from the entry.
        public var info: EntryInfo
        /// The level is folded into the one above (p4d with 4-level paging):
        /// the same table slot, the same value.
        public var folded: Bool
        /// Set for a hugetlb entry: the huge page's size.
        public var hugetlbPageSize: UInt64?

        /// The frame of the next-level table this entry points to.
        public var tableFrame: UInt64? { info.isTable ? info.payload : nil }
    }

    /// Where the path ends.
    public enum Outcome: Sendable, Equatable {
        /// A present leaf maps the address: a PTE, a huge PMD/PUD, or a hugetlb entry.
        case mapped(level: PageTableLevel, pageSize: UInt64, hugetlb: Bool)
        /// A non-present leaf entry (swap, migration, marker, device, hwpoison, other).
        case notPresent(level: PageTableLevel, kind: EntryKind, hugetlb: Bool)
        /// A none PTE: the PTE table exists, the slot is empty.
        case nonePTE
        /// `pte_hole()` at this depth: the entry at that level (after
        /// folding) is none, nothing below it.
        case hole(depth: HoleDepth)
        /// A hugetlb VMA with no entry for this huge page (`pte_hole` depth -1).
        case hugetlbHole
        /// The address is in no VMA: the walker does not look at the tables there.
        case noVMA
        /// The VMA is not walked (`VM_PFNMAP`): the module's `test_walk` skips it.
        case notWalked
        /// An entry points to a table but the walk went no further there (a
        /// `p?d_bad()` entry, or the stream ended).
        case stopped(level: PageTableLevel)
        /// The stream did not cover the address (outside its range, or it ended early).
        case notReached
    }

    /// The address translated.
    public var address: UInt64
    /// The paging geometry of the walk.
    public var geometry: PagingGeometry
    /// The stream showed PFNs (`PFN_VISIBLE`); else every PFN and swap offset is 0.
    public var pfnVisible: Bool
    /// The VMA containing the address (nil outside VMAs).
    public var vma: VMA?
    /// pgd first. Levels the walker did not reach are absent.
    public var steps: [Step] = []
    /// Where the path ends.
    public var outcome: Outcome = .notReached

    /// A path not yet walked: `.notReached` until the walk covers `address`.
    public init(address: UInt64, geometry: PagingGeometry, pfnVisible: Bool) {
        self.address = address
        self.geometry = geometry
        self.pfnVisible = pfnVisible
    }

    /// The step at `level`, if the walker reached it.
    public func step(_ level: PageTableLevel) -> Step? { steps.first { $0.level == level } }

    /// The leaf step that maps (or stood for) the address.
    public var leaf: Step? {
        switch outcome {
        case .mapped(let level, _, _), .notPresent(let level, _, _): return steps.last { $0.level == level }
        default: return nil
        }
    }

    /// The physical address of the byte: the leaf's frame plus the offset
    /// of the address in the page the leaf maps. Nil when nothing maps it
    /// or PFNs are hidden.
    public var physicalAddress: UInt64? {
        guard pfnVisible, case .mapped(_, let pageSize, _) = outcome, let leaf else { return nil }
        return (leaf.info.payload << UInt64(geometry.pageShift)) &+ (address & (pageSize &- 1))
    }
}
