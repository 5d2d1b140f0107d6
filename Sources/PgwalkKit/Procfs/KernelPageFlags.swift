/// The flags /proc/kpageflags reports for one physical page (KPF_*).
///
/// Bits 0-26 are UAPI (include/uapi/linux/kernel-page-flags.h). Bits 32-41
/// are "kernel hacking assistances" from include/linux/kernel-page-flags.h,
/// documented as subject to change; they are named for display, not for
/// decisions.
public struct KernelPageFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The bits, as /proc/kpageflags holds them.
    public let rawValue: UInt64
    /// Flags from their bits.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    private init(bit: UInt64) { rawValue = 1 << bit }

    /// `KPF_LOCKED`: the page is locked.
    public static let locked = KernelPageFlags(bit: 0)
    /// `KPF_ERROR`: an I/O error occurred.
    public static let error = KernelPageFlags(bit: 1)
    /// `KPF_REFERENCED`: referenced since last reclaim scan.
    public static let referenced = KernelPageFlags(bit: 2)
    /// `KPF_UPTODATE`: the contents are valid.
    public static let uptodate = KernelPageFlags(bit: 3)
    /// `KPF_DIRTY`: to be written back.
    public static let dirty = KernelPageFlags(bit: 4)
    /// `KPF_LRU`: on an LRU list.
    public static let lru = KernelPageFlags(bit: 5)
    /// `KPF_ACTIVE`: on the active LRU list.
    public static let active = KernelPageFlags(bit: 6)
    /// `KPF_SLAB`: owned by the slab allocator.
    public static let slab = KernelPageFlags(bit: 7)
    /// `KPF_WRITEBACK`: being written back.
    public static let writeback = KernelPageFlags(bit: 8)
    /// `KPF_RECLAIM`: to be reclaimed soon.
    public static let reclaim = KernelPageFlags(bit: 9)
    /// A free block of the buddy allocator (set on its first page only).
    public static let buddy = KernelPageFlags(bit: 10)
    /// Mapped into some process's page tables.
    public static let mmap = KernelPageFlags(bit: 11)
    /// An anonymous page (not page cache).
    public static let anon = KernelPageFlags(bit: 12)
    /// `KPF_SWAPCACHE`: in the swap cache.
    public static let swapCache = KernelPageFlags(bit: 13)
    /// Backed by swap or RAM (anonymous or shmem), not by a file.
    public static let swapBacked = KernelPageFlags(bit: 14)
    /// First page of a compound page (a THP or hugetlb page).
    public static let compoundHead = KernelPageFlags(bit: 15)
    /// A later page of a compound page.
    public static let compoundTail = KernelPageFlags(bit: 16)
    /// Part of a hugetlb page.
    public static let huge = KernelPageFlags(bit: 17)
    /// `KPF_UNEVICTABLE`: on the unevictable list.
    public static let unevictable = KernelPageFlags(bit: 18)
    /// `KPF_HWPOISON`: hardware detected corruption.
    public static let hwPoison = KernelPageFlags(bit: 19)
    /// No struct page exists for this frame.
    public static let noPage = KernelPageFlags(bit: 20)
    /// Merged by KSM.
    public static let ksm = KernelPageFlags(bit: 21)
    /// Part of a transparent huge page (any page of it).
    public static let thp = KernelPageFlags(bit: 22)
    /// `KPF_OFFLINE`: logically offline (ballooned, ...).
    public static let offline = KernelPageFlags(bit: 23)
    /// The shared zero page (or, with `.thp`, the huge zero page).
    public static let zeroPage = KernelPageFlags(bit: 24)
    /// `KPF_IDLE`: not accessed since marked idle.
    public static let idle = KernelPageFlags(bit: 25)
    /// Holds a page table.
    public static let pageTable = KernelPageFlags(bit: 26)

    // Kernel-internal, unstable (include/linux/kernel-page-flags.h).
    /// `KPF_RESERVED` (unstable).
    public static let reserved = KernelPageFlags(bit: 32)
    /// `KPF_MLOCKED` (unstable).
    public static let mlocked = KernelPageFlags(bit: 33)
    /// `KPF_MAPPEDTODISK` (unstable).
    public static let mappedToDisk = KernelPageFlags(bit: 34)
    /// `KPF_PRIVATE` (unstable).
    public static let `private` = KernelPageFlags(bit: 35)
    /// `KPF_PRIVATE_2` (unstable).
    public static let private2 = KernelPageFlags(bit: 36)
    /// `KPF_OWNER_PRIVATE` (unstable).
    public static let ownerPrivate = KernelPageFlags(bit: 37)
    /// `KPF_ARCH` (unstable).
    public static let arch = KernelPageFlags(bit: 38)
    /// `KPF_UNCACHED` (unstable).
    public static let uncached = KernelPageFlags(bit: 39)
    /// `KPF_SOFTDIRTY` (unstable).
    public static let softDirty = KernelPageFlags(bit: 40)
    /// `KPF_ARCH_2` (unstable).
    public static let arch2 = KernelPageFlags(bit: 41)

    static let names: [(KernelPageFlags, String)] = [
        (.locked, "LOCKED"), (.error, "ERROR"), (.referenced, "REFERENCED"), (.uptodate, "UPTODATE"),
        (.dirty, "DIRTY"), (.lru, "LRU"), (.active, "ACTIVE"), (.slab, "SLAB"), (.writeback, "WRITEBACK"),
        (.reclaim, "RECLAIM"), (.buddy, "BUDDY"), (.mmap, "MMAP"), (.anon, "ANON"),
        (.swapCache, "SWAPCACHE"), (.swapBacked, "SWAPBACKED"), (.compoundHead, "COMPOUND_HEAD"),
        (.compoundTail, "COMPOUND_TAIL"), (.huge, "HUGE"), (.unevictable, "UNEVICTABLE"),
        (.hwPoison, "HWPOISON"), (.noPage, "NOPAGE"), (.ksm, "KSM"), (.thp, "THP"), (.offline, "OFFLINE"),
        (.zeroPage, "ZERO_PAGE"), (.idle, "IDLE"), (.pageTable, "PGTABLE"), (.reserved, "RESERVED"),
        (.mlocked, "MLOCKED"), (.mappedToDisk, "MAPPEDTODISK"), (.private, "PRIVATE"),
        (.private2, "PRIVATE_2"), (.ownerPrivate, "OWNER_PRIVATE"), (.arch, "ARCH"),
        (.uncached, "UNCACHED"), (.softDirty, "SOFTDIRTY"), (.arch2, "ARCH_2"),
    ]

    /// KPF_ names joined by "|", e.g. "UPTODATE|LRU|MMAP|ANON|SWAPBACKED".
    public var description: String {
        var parts = Self.names.filter { contains($0.0) }.map(\.1)
        let unknown = rawValue & ~Self.names.reduce(0) { $0 | $1.0.rawValue }
        if unknown != 0 { parts.append("0x\(String(unknown, radix: 16))") }
        return parts.isEmpty ? "0" : parts.joined(separator: "|")
    }

    /// What kind of page this is, for telling THP, hugetlb and zero pages
    /// apart from ordinary ones.
    public var pageKind: PhysicalPageKind {
        if contains(.zeroPage) { return contains(.thp) ? .hugeZeroPage : .zeroPage }
        if contains(.huge) { return contains(.compoundTail) ? .hugetlbTail : .hugetlbHead }
        if contains(.thp) { return contains(.compoundTail) ? .transparentHugeTail : .transparentHugeHead }
        if contains(.noPage) { return .noPage }
        return .ordinary
    }
}

/// A physical page's role, derived from its KPF flags.
public enum PhysicalPageKind: Sendable, Hashable {
    case ordinary
    case zeroPage
    case hugeZeroPage
    case transparentHugeHead
    case transparentHugeTail
    case hugetlbHead
    case hugetlbTail
    case noPage
}
