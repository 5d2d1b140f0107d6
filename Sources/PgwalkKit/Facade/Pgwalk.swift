import SystemPackage

/// The three things a script wants from pgwalk, one call each: walk a
/// process into rows, verify a process, replay a saved stream through its
/// own callbacks. (The overview, PgwalkKit.docc, shows each in use.)
///
/// Each is a short composition of the library's parts, written out in its
/// body for a script that needs more control: ``WalkSession``,
/// ``StreamDecoder``, ``StreamCallbackDriver``, ``MappingRowBuilder``,
/// ``PageWalker``, ``Verifier``.
public enum Pgwalk {
    /// Where ``rows(ofProcess:start:end:source:)`` reads the page tables.
    public enum RowSource: Sendable {
        /// The module's walk (root, pgwalk.ko loaded): every entry as the
        /// kernel saw it, raw values included.
        case module(ModulePaths = .default)
        /// /proc/PID/maps and /proc/PID/pagemap walked by the walker model
        /// (``PagemapPageTables``): no module, raw values unknown; PFNs
        /// only with CAP_SYS_ADMIN.
        case pagemap
    }

    /// `pid`'s mappings over `[start, end)` (all of user space by default)
    /// as the rows `pgwalkctl walk` prints: runs of pages mapped alike,
    /// held in memory with the walk's VMAs.
    ///
    /// A module walk that ended early (the target exited, a signal) is
    /// returned with the END record's nonzero ``CollectedWalk/status``.
    public static func rows(ofProcess pid: Int32, start: UInt64? = nil, end: UInt64? = nil,
                            source: RowSource = .module()) throws -> CollectedWalk {
        switch source {
        case .module(let paths):
            let request = WalkRequest(pid: pid, start: start, end: end, seq: true)
            let session = try WalkSession(request: request, paths: paths)
            defer { try? session.close() }
            return try collect(session.decoder(), kind: .kernel)
        case .pagemap:
            let collector = WalkCollector()
            try pagemapRows(ofProcess: pid, start: start, end: end, into: collector)
            return collector.walk!
        }
    }

    /// `pid`'s mappings over `[start, end)` from /proc/PID/maps and
    /// /proc/PID/pagemap, handed to `renderer` row by row as the walker
    /// model makes them (``PagemapPageTables``, ``PageWalker``,
    /// ``MappingRowBuilder``): what `pgwalkctl walk --source pagemap` prints.
    public static func pagemapRows(ofProcess pid: Int32, start: UInt64? = nil, end: UInt64? = nil,
                                   into renderer: WalkRenderer) throws {
        let geometry = PagingGeometry.ofRunningKernel()
        let start = start ?? 0
        let end = end ?? geometry.userAddressLimit
        let tables = try PagemapPageTables.build(pid: pid, start: start, end: end, geometry: geometry)
        let pfnVisible = SystemReport.pagemapShowsPFNs
        renderer.begin(WalkDescription(pid: pid, source: .pagemap, geometry: geometry,
                                       kernelRelease: SystemReport.kernelRelease, pfnVisible: pfnVisible,
                                       start: start, end: end))
        var builder = MappingRowBuilder(pfnVisible: pfnVisible, pageShift: geometry.pageShift,
                                        vmaStarted: { renderer.vma($0) }, emit: { renderer.row($0) })
        _ = PageWalker(source: tables).walkPageRange(start: start, end: end, ops: &builder)
        builder.finish()
        renderer.end(status: 0)
    }

    /// The rows of a stream saved with `pgwalkctl walk --output`.
    public static func rows(ofSavedStream path: FilePath) throws -> CollectedWalk {
        try withSavedStream(path) { try collect($0, kind: .snapshot) }
    }

    /// `pgwalkctl verify` for `pid` over `[start, end)`: every page of
    /// every VMA, the module's view against /proc/PID/pagemap's, with
    /// mismatches walked and read again (root, pgwalk.ko loaded). For more
    /// settings, ``Verifier/Options`` and ``Verifier/run()``.
    public static func verify(pid: Int32, start: UInt64? = nil, end: UInt64? = nil,
                              freeze: Bool = false) throws -> VerifyReport {
        var options = Verifier.Options(pid: pid, start: start, end: end)
        options.freeze = freeze
        return try Verifier(options: options).run()
    }

    /// `pgwalkctl verify --all`: ``verify(pid:start:end:freeze:)`` on every
    /// user process the caller may read but itself, in pid order, with
    /// what is the same for every process done once (``AllProcessesVerifier``).
    /// `each` is told every process's outcome as it is known; kernel
    /// threads, processes that exit mid-way and those the caller may not
    /// read are skipped and counted in the summary.
    public static func verifyAll(start: UInt64? = nil, end: UInt64? = nil,
                                 each: (ProcessList.Entry, AllProcessesVerifier.Outcome) throws -> Void) throws
        -> AllProcessesVerifier.Summary {
        try AllProcessesVerifier(options: .init(start: start, end: end)).run(each: each)
    }

    /// `pgwalkctl walk --all`: the module's rows of every user process the
    /// caller may read but itself, in pid order, one session each and the
    /// module's version checked once (``ProcessSweep``). A process that
    /// exits mid-walk is skipped as exited; any other early end is kept in
    /// its walk's ``CollectedWalk/status``.
    public static func rowsOfAllProcesses(
        start: UInt64? = nil, end: UInt64? = nil, seq: Bool = WalkRequest.seqByDefault,
        paths: ModulePaths = .default, excluding: Set<Int32>? = nil,
        each: (ProcessList.Entry, ProcessSweep.Outcome<CollectedWalk>) throws -> Void
    ) throws -> ProcessSweep.Counts {
        var configured = ProcessSweep(paths: paths)
        if let excluding { configured.excluding = excluding }
        let sweep = configured
        return try sweep.run({ entry in
            let session = try sweep.session(for: WalkRequest(pid: entry.pid, start: start, end: end, seq: seq))
            defer { try? session.close() }
            let walk = try collect(session.decoder(), kind: .kernel)
            if walk.status == LinuxErrno.noSuchProcess { throw ProcessSweep.Skip(.exited) }
            return walk
        }, each: each)
    }

    /// Replays the stream saved at `path` through `ops`: every record
    /// becomes the callback the kernel made for it (``StreamCallbackDriver``).
    /// Returns the END record.
    public static func replay<Ops: PageWalkOps>(savedStream path: FilePath, through ops: inout Ops) throws -> EndRecord {
        try withSavedStream(path) { decoder in
            var driver = StreamCallbackDriver(decoder: decoder)
            return try driver.run(ops: &ops)
        }
    }

    /// Replays the stream saved at `path` through `ops`, runs of PTEs
    /// through its ``StreamReplayOps`` hooks. Returns the END record.
    public static func replay<Ops: StreamReplayOps>(savedStream path: FilePath, through ops: inout Ops) throws -> EndRecord {
        try withSavedStream(path) { decoder in
            var driver = StreamCallbackDriver(decoder: decoder)
            return try driver.run(ops: &ops)
        }
    }

    private static func withSavedStream<R>(
        _ path: FilePath, _ body: (StreamDecoder<FileDescriptorByteSource>) throws -> R
    ) throws -> R {
        let fd = try FileDescriptor.open(path, .readOnly, options: [.closeOnExec], retryOnInterrupt: true)
        defer { try? fd.close() }
        return try body(StreamDecoder(source: FileDescriptorByteSource(fd)))
    }

    private static func collect<S: ByteSource>(_ decoder: StreamDecoder<S>,
                                               kind: WalkDescription.SourceKind) throws -> CollectedWalk {
        var driver = StreamCallbackDriver(decoder: decoder)
        let header = driver.header
        let collector = WalkCollector()
        collector.begin(WalkDescription(header: header, source: kind))
        var builder = MappingRowBuilder(pfnVisible: header.flags.contains(.pfnVisible),
                                        pageShift: header.geometry.pageShift,
                                        vmaStarted: { collector.vma($0) }, emit: { collector.row($0) })
        let end = try driver.run(ops: &builder)
        builder.finish()
        collector.end(status: end.status)
        return collector.walk!
    }
}
