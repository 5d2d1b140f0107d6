/// The callbacks of a page walk: Swift's `struct mm_walk_ops`.
///
/// Which callbacks exist matters as much as what they do: the kernel
/// descends to a level only when a callback at or below it is set (for
/// example it walks PTE tables only if `pte_entry` is set, and it splits a
/// huge PMD only then). Swift cannot tell whether a method was implemented,
/// so an ops type lists its callbacks in ``callbacks``; the walker calls
/// exactly those and treats the others as NULL.
///
/// Results are the kernel's `int`: 0 goes on, a positive value stops the walk
/// and is returned by ``PageWalker/walkPageRange(start:end:ops:)`` (except
/// from `test_walk`, where 1 means "skip this VMA"), a negative value (an
/// errno such as `-ENOMEM`) stops it as an error. `post_vma` returns nothing
/// and is called even when the VMA's walk failed.
///
/// All methods have default implementations that return 0, so an ops type
/// implements only what it lists in ``callbacks``.
public protocol PageWalkOps {
    /// The callbacks this ops sets; the rest are NULL for the walker.
    var callbacks: Set<WalkCallback> { get }

    mutating func pgdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32
    mutating func p4dEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32
    mutating func pudEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32
    mutating func pmdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32
    mutating func pteEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32
    /// `pte_hole(addr, next, depth)`: nothing mapped in `[addr, next)`.
    mutating func pteHole(addr: UInt64, next: UInt64, depth: HoleDepth, walk: inout WalkContext) -> Int32
    /// `hugetlb_entry(pte, hmask, addr, next)`: the huge page size is `~hmask + 1`.
    mutating func hugetlbEntry(_ entry: PageTableEntry, hmask: UInt64, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32
    /// `test_walk(start, end)`: 0 walks `walk.vma`, 1 skips it, <0 fails.
    mutating func testWalk(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32
    /// `pre_vma(start, end)`, before `walk.vma` is walked.
    mutating func preVMA(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32
    /// `post_vma()`, after `walk.vma` was walked, even after an error.
    mutating func postVMA(walk: inout WalkContext)
}

/// The defaults: each entry, hole and VMA callback returns 0 (go on) and
/// `post_vma` does nothing. They are never called for a callback missing
/// from ``PageWalkOps/callbacks``.
extension PageWalkOps {
    public mutating func pgdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 { 0 }
    public mutating func p4dEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 { 0 }
    public mutating func pudEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 { 0 }
    public mutating func pmdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 { 0 }
    public mutating func pteEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 { 0 }
    public mutating func pteHole(addr: UInt64, next: UInt64, depth: HoleDepth, walk: inout WalkContext) -> Int32 { 0 }
    public mutating func hugetlbEntry(_ entry: PageTableEntry, hmask: UInt64, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 { 0 }
    public mutating func testWalk(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 { 0 }
    public mutating func preVMA(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 { 0 }
    public mutating func postVMA(walk: inout WalkContext) {}
}
