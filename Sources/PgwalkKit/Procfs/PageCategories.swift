import CPgwalkShims

/// The PAGE_IS_* categories the PAGEMAP_SCAN ioctl reports per range
/// (include/uapi/linux/fs.h, Linux 6.7+; `guardRegion` 6.14+).
///
/// Besides what pagemap bits say, the scan tells `huge` (the range is mapped
/// by a PMD-level THP or by hugetlb, which pagemap entries cannot show) and
/// `pfnZero` (the shared zero page, whose PFN pagemap shows but does not name).
public struct PageCategories: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The bits, as the ioctl's `PAGE_IS_*` constants.
    public let rawValue: UInt64
    /// Categories from their bits.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// PAGE_IS_WPALLOWED: the VMA has userfaultfd async write-protect.
    public static let writeProtectAllowed = PageCategories(rawValue: UInt64(PGWALK_PAGE_IS_WPALLOWED))
    /// PAGE_IS_WRITTEN: in a VMA registered for userfaultfd write-protect,
    /// written since it was write-protected (no uffd-wp bit or marker).
    /// Outside such VMAs it means nothing and the kernels differ: 6.7's code
    /// (still in 6.12.95) reports it on every present or swapped pte,
    /// 6.12.117 on pte_none entries too (not on holes without a PTE table),
    /// 7.3 nowhere (Documentation/admin-guide/mm/pagemap.rst: "Only reported
    /// inside such VMAs").
    public static let written = PageCategories(rawValue: UInt64(PGWALK_PAGE_IS_WRITTEN))
    /// PAGE_IS_FILE: a page-cache or shmem page (only computed when asked for
    /// in a mask or the return mask).
    public static let file = PageCategories(rawValue: UInt64(PGWALK_PAGE_IS_FILE))
    /// PAGE_IS_PRESENT.
    public static let present = PageCategories(rawValue: UInt64(PGWALK_PAGE_IS_PRESENT))
    /// PAGE_IS_SWAPPED: a swap-format pte (real swap, migration, markers).
    public static let swapped = PageCategories(rawValue: UInt64(PGWALK_PAGE_IS_SWAPPED))
    /// PAGE_IS_PFNZERO: maps the shared zero page (or huge zero page).
    public static let pfnZero = PageCategories(rawValue: UInt64(PGWALK_PAGE_IS_PFNZERO))
    /// PAGE_IS_HUGE: mapped by a PMD (THP) or a hugetlb page.
    public static let huge = PageCategories(rawValue: UInt64(PGWALK_PAGE_IS_HUGE))
    /// PAGE_IS_SOFT_DIRTY: soft-dirty pte, or a VMA marked VM_SOFTDIRTY.
    public static let softDirty = PageCategories(rawValue: UInt64(PGWALK_PAGE_IS_SOFT_DIRTY))
    /// PAGE_IS_GUARD (6.14+): a MADV_GUARD_INSTALL guard marker.
    public static let guardRegion = PageCategories(rawValue: UInt64(PGWALK_PAGE_IS_GUARD))

    /// Every category of Linux 6.7 (what any kernel with the ioctl accepts).
    public static let original: PageCategories = [
        .writeProtectAllowed, .written, .file, .present, .swapped, .pfnZero, .huge, .softDirty,
    ]
    /// Every category this code knows about.
    public static let allKnown: PageCategories = original.union(.guardRegion)

    public var description: String {
        let names: [(PageCategories, String)] = [
            (.writeProtectAllowed, "wpallowed"), (.written, "written"), (.file, "file"),
            (.present, "present"), (.swapped, "swapped"), (.pfnZero, "pfnzero"), (.huge, "huge"),
            (.softDirty, "soft-dirty"), (.guardRegion, "guard"),
        ]
        let known = names.filter { contains($0.0) }.map(\.1)
        let unknown = subtracting(.allKnown)
        return "[" + (known + (unknown.isEmpty ? [] : ["0x\(String(unknown.rawValue, radix: 16))"]))
            .joined(separator: ",") + "]"
    }
}
