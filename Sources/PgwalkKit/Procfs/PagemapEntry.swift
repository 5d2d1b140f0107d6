/// One 64-bit entry of /proc/PID/pagemap: what the kernel's page table says
/// about one virtual page, decoded bit by bit.
///
/// Layout (Documentation/admin-guide/mm/pagemap.rst, fs/proc/task_mmu.c):
///
/// | bits  | meaning                                                    | since |
/// |-------|------------------------------------------------------------|-------|
/// | 0-54  | page frame number (PFN) if present                         |       |
/// | 0-4   | swap type if swapped                                       |       |
/// | 5-54  | swap offset if swapped                                     |       |
/// | 55    | pte is soft-dirty                                          | 3.11  |
/// | 56    | page exclusively mapped                                    | 4.2   |
/// | 57    | pte is uffd-wp write-protected                             | 5.13  |
/// | 58    | pte is a guard region (MADV_GUARD_INSTALL)                 | 6.15  |
/// | 59-60 | zero                                                       |       |
/// | 61    | page is file-page or shared-anon                           | 3.5   |
/// | 62    | page swapped                                               |       |
/// | 63    | page present                                               |       |
///
/// Without CAP_SYS_ADMIN the kernel zeroes bits 0-54 (PFN and swap data).
/// Swap entries that are not real swap slots (migration, device-private,
/// hwpoison, pte markers) also set bit 62; their bits 0-54 then encode that
/// entry's own type and offset (a PFN, for migration entries).
public struct PagemapEntry: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The 64-bit value pagemap holds for the page.
    public let rawValue: UInt64

    /// The entry `rawValue`.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bits 0-54: the PFN of a present page, or swap type and offset.
    public static let frameMask: UInt64 = (1 << 55) - 1
    /// How many low bits of a swap entry hold its type (the offset is above).
    public static let swapTypeBits: UInt64 = 5
    /// Bit 55: the page is soft-dirty.
    public static let softDirtyBit: UInt64 = 1 << 55
    /// Bit 56: the page is mapped exclusively (anonymous, one process).
    public static let exclusiveBit: UInt64 = 1 << 56
    /// Bit 57: the page is write-protected by userfaultfd.
    public static let uffdWriteProtectedBit: UInt64 = 1 << 57
    /// Bit 58: the page is in a guard region (Linux 6.15+).
    public static let guardRegionBit: UInt64 = 1 << 58
    /// Bits 59-60: reserved, zero.
    public static let reservedMask: UInt64 = (1 << 59) | (1 << 60)
    /// Bit 61: a file page or shared anonymous.
    public static let fileOrSharedAnonymousBit: UInt64 = 1 << 61
    /// Bit 62: the page is swapped (or another swap-format entry).
    public static let swappedBit: UInt64 = 1 << 62
    /// Bit 63: the page is present.
    public static let presentBit: UInt64 = 1 << 63

    /// Bit 63: a page is mapped here now.
    public var isPresent: Bool { rawValue & Self.presentBit != 0 }
    /// Bit 62: a swap entry (or another non-present swap-format pte).
    public var isSwapped: Bool { rawValue & Self.swappedBit != 0 }
    /// Bit 61: the page is in the page cache or shmem, i.e. not private
    /// anonymous memory. The zero page has it clear.
    public var isFileOrSharedAnonymous: Bool { rawValue & Self.fileOrSharedAnonymousBit != 0 }
    /// Bit 58 (6.15+): a guard region marker installed by MADV_GUARD_INSTALL.
    public var isGuardRegion: Bool { rawValue & Self.guardRegionBit != 0 }
    /// Bit 57 (5.13+): write-protected by userfaultfd.
    public var isUffdWriteProtected: Bool { rawValue & Self.uffdWriteProtectedBit != 0 }
    /// Bit 56 (4.2+): the page is mapped by this process only (mapcount 1;
    /// newer kernels: the folio is not maybe-shared).
    public var isExclusive: Bool { rawValue & Self.exclusiveBit != 0 }
    /// Bit 55: written since the last `echo 4 > /proc/PID/clear_refs`, or
    /// in a VMA created since then (VM_SOFTDIRTY).
    public var isSoftDirty: Bool { rawValue & Self.softDirtyBit != 0 }
    /// Bits 59-60, which the kernel keeps zero. Nonzero means a kernel
    /// newer than this decoder.
    public var reservedBits: UInt64 { rawValue & Self.reservedMask }

    /// Bits 0-54, whatever they mean for this entry.
    public var frameField: UInt64 { rawValue & Self.frameMask }

    /// The page frame number of a present page; nil when not present. Zero
    /// when the reader lacks CAP_SYS_ADMIN (the kernel hides it).
    public var pfn: UInt64? { isPresent ? frameField : nil }

    /// Bits 0-4 of a swapped entry: the swap file (or, for other swap-format
    /// entries, the kernel's internal entry type). Nil when not swapped.
    public var swapType: UInt8? {
        isSwapped && !isPresent ? UInt8(truncatingIfNeeded: frameField & ((1 << Self.swapTypeBits) - 1)) : nil
    }

    /// Bits 5-54 of a swapped entry: the slot in the swap file (a PFN for
    /// migration entries). Nil when not swapped.
    public var swapOffset: UInt64? {
        isSwapped && !isPresent ? frameField >> Self.swapTypeBits : nil
    }

    /// Present or swapped: the page has content somewhere. False for pages
    /// never touched, discarded (MADV_DONTNEED) or outside any mapping.
    public var isPopulated: Bool { rawValue & (Self.presentBit | Self.swappedBit) != 0 }

    public var description: String {
        var parts: [String] = []
        if isPresent { parts.append("present pfn=0x\(String(frameField, radix: 16))") }
        if isSwapped { parts.append("swapped type=\(swapType ?? 0) offset=0x\(String(swapOffset ?? 0, radix: 16))") }
        if !isPresent && !isSwapped { parts.append("none") }
        if isFileOrSharedAnonymous { parts.append("file/shared") }
        if isExclusive { parts.append("exclusive") }
        if isSoftDirty { parts.append("soft-dirty") }
        if isUffdWriteProtected { parts.append("uffd-wp") }
        if isGuardRegion { parts.append("guard") }
        if reservedBits != 0 { parts.append("reserved=0x\(String(reservedBits, radix: 16))") }
        return parts.joined(separator: " ")
    }
}
