/// The portable VMA flags of a VMA record (FORMAT.md 5.1), independent of
/// the kernel version's raw `VM_*` numbering.
public struct VMAFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The bits, as the VMA record carries them.
    public let rawValue: UInt32
    /// Flags from their bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `VM_READ`.
    public static let read = VMAFlags(rawValue: 1 << 0)
    /// `VM_WRITE`.
    public static let write = VMAFlags(rawValue: 1 << 1)
    /// `VM_EXEC`.
    public static let exec = VMAFlags(rawValue: 1 << 2)
    /// `VM_MAYSHARE`.
    public static let shared = VMAFlags(rawValue: 1 << 3)
    /// `VM_GROWSDOWN`: a stack that grows down.
    public static let growsDown = VMAFlags(rawValue: 1 << 4)
    /// `VM_PFNMAP`: no struct pages; the default `walk_page_test()` skips it.
    public static let pfnMap = VMAFlags(rawValue: 1 << 5)
    /// `VM_IO`: memory-mapped I/O.
    public static let io = VMAFlags(rawValue: 1 << 6)
    /// `VM_LOCKED`: mlock()ed.
    public static let locked = VMAFlags(rawValue: 1 << 7)
    /// A hugetlbfs VMA: walked only through `hugetlb_entry`.
    public static let hugetlb = VMAFlags(rawValue: 1 << 8)
    /// `VM_SOFTDIRTY`: the whole VMA reads soft-dirty.
    public static let softDirty = VMAFlags(rawValue: 1 << 9)
    /// `VM_UFFD_MISSING`: userfaultfd handles its missing pages.
    public static let uffdMissing = VMAFlags(rawValue: 1 << 10)
    /// `VM_UFFD_WP`: userfaultfd write-protects it.
    public static let uffdWP = VMAFlags(rawValue: 1 << 11)
    /// `VM_HUGEPAGE`: `MADV_HUGEPAGE` asks for THPs.
    public static let hugePage = VMAFlags(rawValue: 1 << 12)
    /// `VM_NOHUGEPAGE`: `MADV_NOHUGEPAGE` forbids THPs.
    public static let noHugePage = VMAFlags(rawValue: 1 << 13)
    /// `VM_MERGEABLE`: KSM may merge its pages.
    public static let mergeable = VMAFlags(rawValue: 1 << 14)
    /// `VM_MIXEDMAP`: pages with and without struct pages.
    public static let mixedMap = VMAFlags(rawValue: 1 << 15)
    /// `VM_DONTDUMP`: left out of core dumps.
    public static let dontDump = VMAFlags(rawValue: 1 << 16)
    /// The module's `test_walk` skipped this VMA (it was `VM_PFNMAP`).
    public static let notWalked = VMAFlags(rawValue: 1 << 17)
    /// `VM_DROPPABLE` (6.11+): a `MAP_DROPPABLE` mapping, whose pages reclaim
    /// frees instead of swapping (they read as zero again afterwards).
    public static let droppable = VMAFlags(rawValue: 1 << 18)
    /// `VM_SEALED` (6.10+): sealed by `mseal()`; it can no longer be unmapped,
    /// moved, resized or mprotect()ed.
    public static let sealed = VMAFlags(rawValue: 1 << 19)
    /// The VMA has no `anon_vma`, so no anonymous page: every page it maps
    /// is a file's (or the kernel's). A module older than the flag never
    /// sets it: clear, it says nothing either way.
    public static let noAnonVMA = VMAFlags(rawValue: 1 << 20)

    private static let names: [(VMAFlags, String)] = [
        (.read, "READ"), (.write, "WRITE"), (.exec, "EXEC"), (.shared, "SHARED"),
        (.growsDown, "GROWSDOWN"), (.pfnMap, "PFNMAP"), (.io, "IO"), (.locked, "LOCKED"),
        (.hugetlb, "HUGETLB"), (.softDirty, "SOFTDIRTY"), (.uffdMissing, "UFFD_MISSING"),
        (.uffdWP, "UFFD_WP"), (.hugePage, "HUGEPAGE"), (.noHugePage, "NOHUGEPAGE"),
        (.mergeable, "MERGEABLE"), (.mixedMap, "MIXEDMAP"), (.dontDump, "DONTDUMP"),
        (.notWalked, "NOT_WALKED"), (.droppable, "DROPPABLE"), (.sealed, "SEALED"),
        (.noAnonVMA, "NO_ANON_VMA"),
    ]

    public var description: String {
        let set = Self.names.filter { contains($0.0) }.map(\.1)
        return set.isEmpty ? "-" : set.joined(separator: "|")
    }
}
