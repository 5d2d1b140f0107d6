import SystemPackage

/// One line of /proc/PID/maps: a virtual memory area (VMA) of the target.
///
/// Fields keep the kernel's meaning exactly: `end` is exclusive, `offset` is
/// in bytes into the backing file (the page offset for anonymous memory),
/// `device` and `inode` are zero for anonymous memory.
public struct MemoryMapping: Sendable, Hashable, CustomStringConvertible {
    /// First address of the area (page aligned).
    public var start: UInt64
    /// One past the last address of the area (page aligned).
    public var end: UInt64
    /// The mapping's permissions and sharing (`rwxp` / `rwxs`).
    public var permissions: MappingPermissions
    /// Byte offset into the file (or `vm_pgoff << PAGE_SHIFT` for anonymous areas).
    public var offset: UInt64
    /// The device of the mapped file (0:0 for anonymous memory).
    public var device: DeviceNumber
    /// The inode of the mapped file (0 for anonymous memory).
    public var inode: UInt64
    /// The pathname column exactly as the kernel printed it, without the
    /// column padding; empty for anonymous memory. Non-UTF-8 bytes are
    /// replaced here; `kind` keeps the raw bytes of file paths.
    public var pathname: String
    /// What the pathname column says the area is.
    public var kind: MappingKind

    /// A mapping as one line of /proc/PID/maps describes it.
    public init(
        start: UInt64, end: UInt64, permissions: MappingPermissions, offset: UInt64,
        device: DeviceNumber, inode: UInt64, pathname: String, kind: MappingKind
    ) {
        self.start = start
        self.end = end
        self.permissions = permissions
        self.offset = offset
        self.device = device
        self.inode = inode
        self.pathname = pathname
        self.kind = kind
    }

    /// The mapping's addresses, `[start, end)`.
    public var addresses: Range<UInt64> { start..<end }
    /// The mapping's size in bytes.
    public var size: UInt64 { end - start }

    /// Whether `address` lies in the mapping.
    public func contains(_ address: UInt64) -> Bool { address >= start && address < end }

    public var description: String {
        func hex(_ v: UInt64, _ width: Int) -> String { String(v, radix: 16).leftPadded(to: width, with: "0") }
        var line = "\(hex(start, 8))-\(hex(end, 8)) \(permissions) \(hex(offset, 8)) \(device) \(inode)"
        if !pathname.isEmpty { line += " " + pathname }
        return line
    }
}

/// The `rwxp` column: access rights and whether writes are shared.
public struct MappingPermissions: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The bits, one per permission.
    public let rawValue: UInt8
    /// Permissions from their bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `r`: readable.
    public static let read = MappingPermissions(rawValue: 1 << 0)
    /// `w`: writable.
    public static let write = MappingPermissions(rawValue: 1 << 1)
    /// `x`: executable.
    public static let execute = MappingPermissions(rawValue: 1 << 2)
    /// `s`: MAP_SHARED (VM_MAYSHARE). Without it the column shows `p`
    /// (private, copy-on-write).
    public static let shared = MappingPermissions(rawValue: 1 << 3)

    /// Whether the mapping is private (`p`, copy-on-write), not shared.
    public var isPrivate: Bool { !contains(.shared) }

    /// The four characters as /proc/PID/maps prints them, e.g. "rw-p".
    public var description: String {
        (contains(.read) ? "r" : "-") + (contains(.write) ? "w" : "-")
            + (contains(.execute) ? "x" : "-") + (contains(.shared) ? "s" : "p")
    }
}

/// A device number as the maps file prints it, `major:minor` in hex.
public struct DeviceNumber: Sendable, Hashable, CustomStringConvertible {
    /// The major number.
    public var major: UInt32
    /// The minor number.
    public var minor: UInt32

    /// The device `major:minor`.
    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }

    /// Splits a `dev_t` as glibc's `major()`/`minor()` do, so a mapping can
    /// be compared with `stat().st_dev`.
    public init(encoded dev: UInt64) {
        major = UInt32(truncatingIfNeeded: ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0x0000_0fff))
        minor = UInt32(truncatingIfNeeded: ((dev >> 12) & 0xffff_ff00) | (dev & 0x0000_00ff))
    }

    public var description: String {
        func hex2(_ v: UInt32) -> String {
            let s = String(v, radix: 16)
            return s.count >= 2 ? s : "0" + s
        }
        return "\(hex2(major)):\(hex2(minor))"
    }
}

/// What occupies a mapping, from its pathname column.
public enum MappingKind: Sendable, Hashable {
    /// No name: private or shared anonymous memory that was never named.
    case anonymous
    /// A file (including pseudo files such as "/dev/zero (deleted)" for
    /// MAP_SHARED|MAP_ANONYMOUS, "/memfd:NAME", "/SYSV...", "anon_inode:...").
    /// `deleted` is the kernel's " (deleted)" suffix, removed from `path`;
    /// "\012" escapes (the kernel's spelling of a newline) are decoded.
    case file(path: FilePath, deleted: Bool)
    /// `[heap]`: the brk area.
    case heap
    /// `[stack]`: the main thread's stack.
    case stack
    /// `[vdso]`.
    case vdso
    /// `[vvar]`: kernel data mapped for the vDSO (6.13+ also has a separate
    /// `[vvar_vclock]`, reported as `.special`).
    case vvar
    /// `[vsyscall]`: the legacy fixed page above the user address space.
    case vsyscall
    /// `[anon:NAME]`: private anonymous memory named with
    /// PR_SET_VMA_ANON_NAME (5.17+).
    case namedAnonymous(String)
    /// `[anon_shmem:NAME]`: shared anonymous memory named with
    /// PR_SET_VMA_ANON_NAME (6.2+).
    case namedSharedAnonymous(String)
    /// Any other bracketed name, e.g. `[uprobes]`, `[vvar_vclock]`,
    /// `[stack:TID]` (kernels before 4.5).
    case special(String)

    /// True for `.file`.
    public var isFile: Bool {
        if case .file = self { return true }
        return false
    }
}
