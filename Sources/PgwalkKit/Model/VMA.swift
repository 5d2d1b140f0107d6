/// A virtual memory area, `struct vm_area_struct` as far as the walker and
/// its users need it.
///
/// The walker looks only at ``start``, ``end``, ``flags`` (``VMAFlags/pfnMap``
/// and ``VMAFlags/hugetlb``) and ``hugePageSize``; the rest is carried for
/// consumers (it is what `/proc/PID/maps` shows).
public struct VMA: Hashable, Sendable, CustomStringConvertible {
    /// First address, page aligned.
    public var start: UInt64
    /// End address, exclusive, page aligned.
    public var end: UInt64
    /// The VMA's flags, as the module reports them.
    public var flags: VMAFlags
    /// The kernel's raw `vm_flags` (numbering is kernel-version specific).
    public var rawVMFlags: UInt64
    /// `vm_pgoff`, in pages.
    public var pageOffset: UInt64
    /// The inode of the mapped file (0 for anonymous memory).
    public var inode: UInt64
    /// `major << 20 | minor`.
    public var device: UInt32
    /// What backs the VMA: anonymous memory, a file, shared memory, ...
    public var backing: VMABacking
    /// The name as `/proc/PID/maps` prints it; may be empty.
    public var name: String
    /// For a hugetlb VMA, its huge page size (`huge_page_size(hstate_vma())`);
    /// nil otherwise.
    public var hugePageSize: UInt64?

    /// A VMA over `[start, end)`.
    public init(
        start: UInt64, end: UInt64, flags: VMAFlags = [.read, .write],
        rawVMFlags: UInt64 = 0, pageOffset: UInt64 = 0, inode: UInt64 = 0, device: UInt32 = 0,
        backing: VMABacking = .anonymous, name: String = "", hugePageSize: UInt64? = nil
    ) {
        self.start = start
        self.end = end
        self.flags = flags
        self.rawVMFlags = rawVMFlags
        self.pageOffset = pageOffset
        self.inode = inode
        self.device = device
        self.backing = backing
        self.name = name
        self.hugePageSize = hugePageSize
    }

    /// `is_vm_hugetlb_page()`.
    public var isHugetlb: Bool { flags.contains(.hugetlb) }

    /// `vma_is_anonymous()` (no `vm_ops`), as far as the stream tells:
    /// private anonymous memory, `[heap]` and `[stack]`. Shared anonymous
    /// memory is shmem and has `vm_ops`. It decides what the kernel's
    /// `split_huge_pmd()` does: split an anonymous THP, zap any other.
    public var isAnonymous: Bool {
        switch backing {
        case .anonymous: return true
        case .special: return name == "[heap]" || name == "[stack]"
        case .file, .sharedAnonymous: return false
        }
    }

    /// Whether `address` lies in the VMA.
    public func contains(_ address: UInt64) -> Bool { start <= address && address < end }

    public var description: String {
        let range = "0x\(String(start, radix: 16))-0x\(String(end, radix: 16))"
        return "\(range) \(flags) \(backing)" + (name.isEmpty ? "" : " \(name)")
    }
}
