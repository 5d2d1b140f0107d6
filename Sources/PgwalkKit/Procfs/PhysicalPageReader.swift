import SystemPackage

/// Reads one of the PFN-indexed files /proc/kpageflags and /proc/kpagecount
/// (8 bytes per physical page). Root only (CAP_SYS_ADMIN): the files are
/// mode 0400 and the kernel checks again on read.
///
/// Like `PagemapReader`, it opens once and reads at offset `pfn * 8`; ranges
/// go through one reused buffer.
public final class PhysicalPageReader<Value> {
    /// The file read (/proc/kpageflags, /proc/kpagecount, ...).
    public let path: FilePath
    let decode: @Sendable (UInt64) -> Value
    var descriptor: FileDescriptor?
    let buffer: UnsafeMutableBufferPointer<UInt64>

    init(path: FilePath, batchCapacity: Int, decode: @escaping @Sendable (UInt64) -> Value) throws {
        precondition(batchCapacity > 0)
        self.path = path
        self.decode = decode
        self.descriptor = try ProcfsFile.open(path, perProcess: false)
        self.buffer = .allocate(capacity: batchCapacity)
    }

    deinit {
        try? descriptor?.close()
        buffer.deallocate()
    }

    /// Closes the file; later reads fail.
    public func close() throws {
        guard let fd = descriptor else { return }
        descriptor = nil
        do { try fd.close() } catch let errno as Errno {
            throw ProcfsError.fromSystemCall(errno, operation: "close", path: path, perProcess: false)
        }
    }

    /// The value for physical frame `pfn`.
    public func value(ofFrame pfn: UInt64) throws -> Value {
        var result: Value?
        try forEach(frames: pfn..<pfn + 1) { _, value in result = value }
        return result!
    }

    /// The values of frames `frames`, as an array (for small ranges).
    public func values(ofFrames frames: Range<UInt64>) throws -> [Value] {
        var result: [Value] = []
        result.reserveCapacity(frames.count)
        try forEach(frames: frames) { _, value in result.append(value) }
        return result
    }

    /// Calls `body` with each frame number of `frames` and its value.
    /// Throws `.beyondPhysicalMemory` past the last frame (max_pfn).
    public func forEach(frames: Range<UInt64>, _ body: (UInt64, Value) throws -> Void) throws {
        guard let fd = descriptor else { throw ProcfsError(.closed, path: path, operation: "read") }
        var frame = frames.lowerBound
        while frame < frames.upperBound {
            let count = Int(min(UInt64(buffer.count), frames.upperBound - frame))
            let bytes = UnsafeMutableRawBufferPointer(start: buffer.baseAddress, count: count * 8)
            let got = try ProcfsFile.read(fd, at: Int64(frame * 8), into: bytes, path: path, perProcess: false)
            for index in 0..<got / 8 {
                try body(frame + UInt64(index), decode(buffer[index]))
            }
            if got < bytes.count {
                throw ProcfsError(
                    .beyondPhysicalMemory(frame: frame + UInt64(got / 8)), path: path, operation: "pread")
            }
            frame += UInt64(count)
        }
    }
}

/// /proc/kpageflags: the KPF_* flags of each physical page.
public typealias KernelPageFlagsReader = PhysicalPageReader<KernelPageFlags>
/// /proc/kpagecount: how many times each physical page is mapped.
public typealias KernelPageCountReader = PhysicalPageReader<UInt64>

extension PhysicalPageReader where Value == KernelPageFlags {
    /// Opens /proc/kpageflags. `.permissionDenied` unless root,
    /// `.notAvailable` without CONFIG_PROC_PAGE_MONITOR.
    public convenience init(kpageflags path: FilePath = "/proc/kpageflags", batchCapacity: Int = 8_192) throws {
        try self.init(path: path, batchCapacity: batchCapacity, decode: { KernelPageFlags(rawValue: $0) })
    }

    /// The kpageflags of frame `pfn`.
    public func flags(ofFrame pfn: UInt64) throws -> KernelPageFlags { try value(ofFrame: pfn) }
}

extension PhysicalPageReader where Value == UInt64 {
    /// Opens /proc/kpagecount. `.permissionDenied` unless root,
    /// `.notAvailable` without CONFIG_PROC_PAGE_MONITOR.
    public convenience init(kpagecount path: FilePath = "/proc/kpagecount", batchCapacity: Int = 8_192) throws {
        try self.init(path: path, batchCapacity: batchCapacity, decode: { $0 })
    }

    /// The number of page-table mappings of frame `pfn` (the kernel's
    /// estimate for large folios; 0 for free or unmapped pages).
    public func mapCount(ofFrame pfn: UInt64) throws -> UInt64 { try value(ofFrame: pfn) }
}
