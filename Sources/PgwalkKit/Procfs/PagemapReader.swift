#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CPgwalkShims
import SystemPackage

/// Reads /proc/PID/pagemap: one 64-bit `PagemapEntry` per virtual page.
///
/// The file is opened once (the kernel checks ptrace access and whether PFNs
/// are shown at open time) and read with pread(2) at `vaddr / pageSize * 8`,
/// up to `batchCapacity` entries per call into one buffer, so memory use does
/// not depend on the size of the target. The buffer grows to the largest
/// batch read, up to `batchCapacity`: a small process's reads need a few
/// KiB, and a 512 KiB buffer is mapped and unmapped by the allocator: two
/// system calls, and a TLB flush on the other CPU once verify's maps thread
/// has run (docs/BENCH.md, change 22). Where the kernel
/// has PAGEMAP_SCAN (6.7+), `forEachPopulatedRun` asks it for the present and
/// swapped ranges first and reads only those entries.
///
/// Not thread-safe: one reader per thread. Batches handed to callbacks borrow
/// the reader's buffer and are valid only inside the callback.
public final class PagemapReader {
    /// Entries per pread by default: 64 Ki entries, 512 KiB, 256 MiB of
    /// address space per system call with 4 KiB pages.
    public static let defaultBatchCapacity = 65_536
    /// Entries the buffer first holds (4 KiB).
    static let initialBufferEntries = 512
    /// Regions per PAGEMAP_SCAN call (24 bytes each).
    public static let scanRegionCapacity = 4_096

    /// The process read.
    public let target: ProcTarget
    /// The pagemap file read.
    public let path: FilePath
    /// The base page size (sysconf(_SC_PAGESIZE)); one entry per such page.
    public let pageSize: UInt64
    /// The most entries one pread (and one batch) holds.
    public let batchCapacity: Int

    var descriptor: FileDescriptor?
    /// Grown by ``readBatch(firstPage:count:)`` as batches need.
    var entryBuffer = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
    var regionBuffer: UnsafeMutableBufferPointer<pgwalk_page_region>?
    var cachedScanSupport: PagemapScanSupport?
    var isIterating = false

    /// Opens `target`'s pagemap.
    ///
    /// Throws `ProcfsError` `.processGone` for a pid that does not exist,
    /// `.permissionDenied` without ptrace read access to it.
    public init(_ target: ProcTarget, batchCapacity: Int = PagemapReader.defaultBatchCapacity) throws {
        precondition(batchCapacity > 0, "batchCapacity must be positive")
        self.target = target
        self.path = target.file("pagemap")
        self.pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        self.batchCapacity = batchCapacity
        self.descriptor = try ProcfsFile.open(path, perProcess: true)
    }

    deinit {
        try? descriptor?.close()
        entryBuffer.deallocate()
        regionBuffer?.deallocate()
    }

    /// Closes the file now rather than at deinit. Later reads throw `.closed`.
    public func close() throws {
        guard let fd = descriptor else { return }
        descriptor = nil
        do {
            try fd.close()
        } catch let errno as Errno {
            throw ProcfsError.fromSystemCall(errno, operation: "close", path: path, perProcess: true)
        }
    }

    func openDescriptor() throws -> FileDescriptor {
        guard let fd = descriptor else { throw ProcfsError(.closed, path: path, operation: "read") }
        return fd
    }

    /// The entry for the page containing `address`.
    public func entry(at address: UInt64) throws -> PagemapEntry {
        let fd = try openDescriptor()
        let page = address / pageSize
        var raw: UInt64 = 0
        let got = try withUnsafeMutableBytes(of: &raw) { buffer in
            try ProcfsFile.read(fd, at: Int64(page * 8), into: buffer, path: path, perProcess: true)
        }
        if got < 8 { throw endOfFileError(atPage: page) }
        return PagemapEntry(rawValue: raw)
    }

    /// The entries of every page that overlaps `range`, as an array. For
    /// small ranges; use `forEachBatch` for large ones.
    public func entries(in range: Range<UInt64>) throws -> [PagemapEntry] {
        var result: [PagemapEntry] = []
        try forEachBatch(in: range) { result.append(contentsOf: $0) }
        return result
    }

    /// Calls `body` with the entries of every page that overlaps `range`, in
    /// address order, at most `batchCapacity` entries at a time, one pread
    /// per batch.
    ///
    /// Throws `.beyondAddressSpace` if the range runs past the target's
    /// address space (TASK_SIZE; e.g. the x86-64 [vsyscall] page), and
    /// `.processGone` if the target exits meanwhile.
    public func forEachBatch(in range: Range<UInt64>, _ body: (PagemapBatch) throws -> Void) throws {
        let (firstPage, endPage) = pages(of: range)
        try withIterationGuard {
            var page = firstPage
            while page < endPage {
                let count = Int(min(UInt64(batchCapacity), endPage - page))
                let batch = try readBatch(firstPage: page, count: count)
                try body(batch)
                page += UInt64(count)
            }
        }
    }

    /// Reads the entries of the pages of `range`, page aligned and
    /// `buffer.count` pages long (at most `batchCapacity`), straight into
    /// `buffer` with one pread: for a caller that keeps the entries
    /// (verify's window), no copy from the reader's own buffer, and no such
    /// buffer to map in (docs/BENCH.md, change 25).
    ///
    /// Throws as ``forEachBatch(in:_:)`` does.
    public func readEntries(in range: Range<UInt64>, into buffer: UnsafeMutableBufferPointer<UInt64>) throws {
        let (firstPage, endPage) = pages(of: range)
        precondition(endPage - firstPage == UInt64(buffer.count) && buffer.count <= batchCapacity,
                     "readEntries: the range must be the buffer's pages, at most a batch")
        guard !buffer.isEmpty else { return }
        try read(try openDescriptor(), firstPage: firstPage, into: buffer)
    }

    /// Calls `body` for each maximal run of populated (present or swapped)
    /// pages in `range`, in address order.
    ///
    /// With PAGEMAP_SCAN (`.automatic` on 6.7+, or `.scan`) only the ranges
    /// the scan reports as present or swapped are read, which makes large
    /// sparse areas cheap, and each run carries the scan's categories
    /// (`returning`, default all the kernel knows) — notably `.huge` and
    /// `.pfnZero`. With `.plainRead` every entry is read and runs carry no
    /// categories. Both give the same entries for a target that holds still;
    /// runs may be split differently (the scan splits where categories change).
    ///
    /// Neither path reports pages of VM_PFNMAP areas ([vvar_vclock], [vvar]
    /// before 7.x, device mappings): the kernel's page walker does not enter
    /// them, so pagemap shows them as holes even where the page table maps a
    /// frame. 7.x maps [vvar] VM_MIXEDMAP, which the walker enters.
    public func forEachPopulatedRun(
        in range: Range<UInt64>, method: PagemapAccessMethod = .automatic,
        returning: PageCategories? = nil, _ body: (PopulatedRun) throws -> Void
    ) throws {
        let useScan: Bool
        switch method {
        case .plainRead: useScan = false
        case .scan: useScan = true
        case .automatic: useScan = supportsScan
        }
        if useScan {
            try populatedRunsByScan(in: range, returning: returning, body)
        } else {
            try forEachBatch(in: range) { batch in
                try batch.forEachPopulatedRun { try body(PopulatedRun(entries: $0, categories: nil)) }
            }
        }
    }

    // MARK: - Internals

    /// Page numbers [first, end) of the pages that overlap `range`.
    func pages(of range: Range<UInt64>) -> (UInt64, UInt64) {
        let first = range.lowerBound / pageSize
        let end = range.isEmpty ? first : (range.upperBound - 1) / pageSize + 1
        return (first, end)
    }

    /// Rejects nested iteration: the nested one would overwrite the buffer
    /// the outer callback is looking at.
    func withIterationGuard<R>(_ body: () throws -> R) throws -> R {
        precondition(!isIterating, "PagemapReader: nested batch iteration on one reader; use a second reader")
        isIterating = true
        defer { isIterating = false }
        return try body()
    }

    /// Reads `count` entries starting at page `firstPage` into the buffer.
    func readBatch(firstPage: UInt64, count: Int) throws -> PagemapBatch {
        precondition(count <= batchCapacity)
        let fd = try openDescriptor()
        entryBuffer.grow(toHold: count, startingAt: Self.initialBufferEntries, limit: batchCapacity)
        try read(fd, firstPage: firstPage, into: UnsafeMutableBufferPointer(rebasing: entryBuffer[0..<count]))
        return PagemapBatch(
            startAddress: firstPage * pageSize, pageSize: pageSize,
            rawEntries: UnsafeBufferPointer(start: entryBuffer.baseAddress, count: count))
    }

    /// Reads the entries of `buffer.count` pages from `firstPage` into
    /// `buffer`: one pread.
    private func read(_ fd: FileDescriptor, firstPage: UInt64, into buffer: UnsafeMutableBufferPointer<UInt64>) throws {
        let bytes = UnsafeMutableRawBufferPointer(buffer)
        let got = try ProcfsFile.read(fd, at: Int64(firstPage * 8), into: bytes, path: path, perProcess: true)
        if got < bytes.count { throw endOfFileError(atPage: firstPage + UInt64(got / 8)) }
    }

    /// pagemap reads return 0 bytes past TASK_SIZE, and also once the
    /// target's memory is gone (it exited, or is exiting). Tell the two apart.
    func endOfFileError(atPage page: UInt64) -> ProcfsError {
        if case .process(let pid) = target, ProcessRunState.isExitingOrGone(pid: pid) {
            return ProcfsError(.processGone, path: path, operation: "pread")
        }
        return ProcfsError(.beyondAddressSpace(address: page * pageSize), path: path, operation: "pread")
    }

    /// Throws `.processGone` if a pid target has exited: a scan of an exited
    /// process finds nothing instead of failing.
    func checkTargetAlive(operation: String) throws {
        if case .process(let pid) = target, !ProcessRunState.isAlive(pid: pid) {
            throw ProcfsError(.processGone, path: path, operation: operation)
        }
    }
}
