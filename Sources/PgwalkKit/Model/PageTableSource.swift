/// Where the walker reads an address space from: the VMA list and the page
/// tables of one `mm_struct`.
///
/// Implementations: ``PageTables`` (an in-memory tree, which the stream and
/// pagemap readers fill in). Entries are asked for only at levels that are not
/// folded (``PagingGeometry/storageLevel(_:)``); the walker itself gives a
/// folded level the entry of the level it is folded into, as the kernel's
/// `p4d_offset()` does on 4-level x86.
public protocol PageTableSource {
    /// The tree's shape.
    var geometry: PagingGeometry { get }

    /// `find_vma()`: the first VMA that ends above `address` (it may start
    /// above `address` too), or nil if there is none. VMAs must not overlap
    /// and must have `start < end`; the walker relies on it to advance.
    func findVMA(_ address: UInt64) -> VMA?

    /// The entry at `level` in the slot holding `address`; a none entry when
    /// nothing is there.
    func entry(at level: PageTableLevel, address: UInt64) -> PageTableEntry

    /// `huge_pte_offset()` for a hugetlb VMA: the entry of the huge page of
    /// `pageSize` bytes that starts at `address`, or nil when the page tables
    /// have no slot for it (the walker then reports a hole of depth -1). An
    /// existing slot holding a none entry is returned, not nil.
    func hugetlbEntry(at address: UInt64, pageSize: UInt64) -> PageTableEntry?

    /// `pte_offset_map_lock()` for the PTE table under the PMD entry whose
    /// slot starts at `address`, the walker's `attempt`-th try (from 0) at that PMD slot
    /// in this `walk_page_range()` call: false when the table could not be
    /// mapped (on a live system: freed or replaced since `pmd_entry` saw
    /// it). Only walkers with ``WalkerSemantics/retriesUnmappedPTETable``
    /// ask, and then call `pmd_entry` again; 6.1's map cannot fail. The
    /// default maps every table: a snapshot holds still.
    func mapsPTETable(at address: UInt64, attempt: Int) -> Bool
}

extension PageTableSource {
    /// Every PTE table maps: the default for sources that cannot fail to.
    public func mapsPTETable(at address: UInt64, attempt: Int) -> Bool { true }
}
