import SystemPackage

/// `pgwalkctl verify`: every page of every VMA, the module's view against
/// /proc/PID/pagemap's, by the rules of ``PageExpectation``.
///
/// The module's stream is consumed as it arrives (``StreamCallbackDriver``
/// feeding ``MappingRowBuilder``) and each row is compared with pagemap
/// read in batches right away, so memory stays bounded and the two reads
/// are close in time. Mismatches are then re-checked, every one, whether
/// listed or past the limit: the module walks just their ranges again and
/// pagemap is read again, twice; the ones that still differ are persistent.
public struct Verifier {
    /// What to verify and how.
    public struct Options: Sendable {
        /// The target process.
        public var pid: Int32
        /// The first address verified (nil: the bottom of user space).
        public var start: UInt64?
        /// The end of the range verified (nil: the top of user space).
        public var end: UInt64?
        /// Hold the target still (SIGSTOP) during the walk and the reads.
        public var freeze = false
        /// Mismatches listed in the report at most (all are re-checked).
        public var mismatchLimit = 1000
        /// Where the module's debugfs files are.
        public var paths: ModulePaths = .default
        /// What this kernel's pagemap says about guard regions
        /// (docs/VERIFY.md rule 10); by default the running kernel's,
        /// probed once per process, when a guard marker first needs it.
        public var guardRegions: GuardRegionReporting {
            get { givenGuardRegions ?? .runningKernel }
            set { givenGuardRegions = newValue }
        }
        /// `guardRegions` as set; nil: the running kernel's, when needed.
        var givenGuardRegions: GuardRegionReporting?
        /// Told the address of each run of pages as it is checked (a
        /// progress line).
        public var progress: (@Sendable (UInt64) -> Void)?

        /// Options to verify `pid` over `[start, end)`, with the defaults.
        public init(pid: Int32, start: UInt64? = nil, end: UInt64? = nil) {
            self.pid = pid
            self.start = start
            self.end = end
        }
    }

    /// The options this verifier runs with.
    public let options: Options

    /// A verifier with `options`.
    public init(options: Options) {
        self.options = options
    }

    /// Walks, reads, compares and re-checks; the report of what differed.
    /// Throws when the walk or a read fails, or the walk ended early.
    public func run() throws -> VerifyReport {
        var phases = PhaseTimes()
        return try run(phases: &phases)
    }

    /// ``run()``, adding where the time went to `phases` (`--stats`):
    /// `probes` (kpageflags, pagemap and the guard-region probe, the
    /// freeze), `session` (the open and the request of each walk), `pass`
    /// (the first pass's stream, rows and pagemap comparison), `recheck`,
    /// `maps` (waiting for /proc/PID/maps, read during the pass, and
    /// comparing the VMAs, with any further looks).
    package func run(phases: inout PhaseTimes) throws -> VerifyReport {
        let frameFlags = phases.time("probes") { try? KernelPageFlagsReader() }
        defer { try? frameFlags?.close() }
        return try run(with: RunResources(frameFlags: frameFlags, openSession: { [options] in
            try WalkSession(request: $0, paths: options.paths)
        }), phases: &phases)
    }

    /// What a run opens or probes once, however many processes it verifies
    /// (``AllProcessesVerifier`` shares one across every process).
    struct RunResources {
        /// /proc/kpageflags, nil where it cannot be read.
        var frameFlags: KernelPageFlagsReader?
        /// Opens a session with the module.
        var openSession: (WalkRequest) throws -> WalkSession
    }

    func run(with resources: RunResources) throws -> VerifyReport {
        var phases = PhaseTimes()
        return try run(with: resources, phases: &phases)
    }

    func run(with resources: RunResources, phases: inout PhaseTimes) throws -> VerifyReport {
        let target = ProcTarget.process(options.pid)
        let probeStart = ContinuousClock.now
        var freezer: ProcessFreezer?
        if options.freeze {
            freezer = try ProcessFreezer(pid: options.pid)
        }
        defer { try? freezer?.resume() }

        let pagemap = try PagemapReader(target)
        defer { try? pagemap.close() }
        let frameFlags = resources.frameFlags
        let guardRegions: GuardRegionAnswer = options.givenGuardRegions.map { .given($0.pagemapReportsGuards) }
            ?? .runningKernel
        phases.add("probes", seconds: PhaseTimes.seconds(since: probeStart))
        // /proc/PID/maps is read while the pass runs, on a thread: the pass
        // decodes on one CPU, the module's walk (read ahead) keeps another
        // busy for only part of it, and 20,000 VMAs' maps cost a sixth of a
        // verify read after it (docs/BENCH.md, change 19). Read during the
        // walk, it is closer in time to what the walk saw, not further.
        let maps = BackgroundValue { try ProcessMaps.read(target) }

        var first = try pass(start: options.start, end: options.end, pagemap: pagemap, frameFlags: frameFlags,
                             guardRegions: guardRegions, resources: resources, collect: true,
                             phases: &phases, phase: "pass")
        first.report.frozen = freezer?.isHeldByUs ?? false
        first.report.usedKPageFlags = frameFlags != nil

        try recheck(&first.report, mismatched: first.mismatched, views: first.moduleViews, pagemap: pagemap,
                    frameFlags: frameFlags,
                    guardRegions: guardRegions, resources: resources, phases: &phases)
        let mapsStart = ContinuousClock.now
        let range = (start: options.start ?? 0, end: options.end ?? UInt64.max)
        var vmas = VMADifferenceRecheck(first: VMAComparison.differences(
            walked: first.report.vmas, maps: try maps.value(), start: range.start, end: range.end))
        // VMAs change under a running target: look again, as pages are
        // re-checked, before calling a difference persistent; each look's
        // walk between two reads of /proc/PID/maps.
        for _ in 0..<Self.recheckRounds where !vmas.isSettled {
            let before = try ProcessMaps.read(target)
            let again = try pass(start: options.start, end: options.end, pagemap: pagemap, frameFlags: frameFlags,
                                 guardRegions: guardRegions, resources: resources, collect: false,
                                 phases: &phases, phase: nil)
            let after = try ProcessMaps.read(target)
            vmas.lookAgain(VMAComparison.differences(walked: again.report.vmas, maps: after,
                                                     start: range.start, end: range.end),
                           mapsBefore: before, mapsAfter: after)
        }
        first.report.vmaDifferences = vmas.persistentDifferences.map(\.description)
        first.report.transientVMADifferences = vmas.transientCount
        phases.add("maps", seconds: PhaseTimes.seconds(since: mapsStart))
        return first.report
    }

    // MARK: - One pass

    private struct Pass {
        /// Its `vmas` are the VMAs walked, in the walk's order.
        var report: VerifyReport
        /// Every page that differed.
        var mismatched: PageSet
        /// The module's view of the pages that differed (``PageChecker/moduleViews``).
        var moduleViews: [UInt64: PageChecker.ModuleView]
    }

    /// One walk and its checks; the session's open goes to `session`, the
    /// rest to `phase`. With no `phase`, the caller times the pass whole
    /// (the further looks of `maps`).
    private func pass(start: UInt64?, end: UInt64?, pagemap: PagemapReader, frameFlags: KernelPageFlagsReader?,
                      guardRegions: GuardRegionAnswer, resources: RunResources, collect: Bool,
                      phases: inout PhaseTimes, phase: String?) throws -> Pass {
        let opening = ContinuousClock.now
        let session = try resources.openSession(WalkRequest(pid: options.pid, start: start, end: end, seq: true))
        defer { try? session.close() }
        let opened = ContinuousClock.now
        if phase != nil { phases.add("session", seconds: PhaseTimes.seconds(since: opening)) }
        let source = session.stream
        let decoder = try session.decoder()
        defer {
            if let phase {
                phases.add(phase, seconds: PhaseTimes.seconds(since: opened))
                // Within the pass's time, on the other thread.
                if let seconds = source.readAheadSeconds { phases.add("readahead", seconds: seconds) }
            }
        }
        let checked = try Self.check(decoder, pagemap: pagemap, frameFlags: frameFlags,
                                     limit: collect ? options.mismatchLimit : 0,
                                     guardRegions: guardRegions, pid: options.pid,
                                     progress: options.progress)
        // Pages taken as none on PAGEMAP_SCAN's word, which an exited
        // process's pagemap would also give: the target must still be alive.
        if checked.report.pagesCheckedByScan > 0 { try pagemap.checkTargetAlive(operation: "ioctl(PAGEMAP_SCAN)") }
        return checked
    }

    /// Every page of a stream against a pagemap: one pass's checks.
    private static func check<S: ByteSource>(_ decoder: StreamDecoder<S>, pagemap: any PagemapEntrySource,
                                             frameFlags: KernelPageFlagsReader?, limit: Int,
                                             guardRegions: GuardRegionAnswer, pid: Int32,
                                             progress: ((UInt64) -> Void)? = nil) throws -> Pass {
        var driver = StreamCallbackDriver(decoder: decoder)
        let header = driver.header
        let checker = PageChecker(header: header, pagemap: pagemap, frameFlags: frameFlags, limit: limit,
                                  guardRegions: guardRegions)
        var builder = MappingRowBuilder(
            pfnVisible: header.flags.contains(.pfnVisible), pageShift: header.geometry.pageShift,
            vmaStarted: { checker.enter($0) }, emit: { row in
                checker.check(row)
                progress?(row.start)
            })
        let end = try driver.run(ops: &builder)
        builder.finish()
        if let error = checker.error { throw error }
        if end.status != 0 {
            throw VerifyError.walkEnded(status: end.status, pid: pid)
        }
        return Pass(report: checker.report, mismatched: checker.mismatched, moduleViews: checker.moduleViews)
    }

    /// Verify's checks on a saved stream, with no module and no process:
    /// every page against `pagemap`, the walked VMAs against `maps`, and
    /// with `frameFlags` the file bit of private file pages by their
    /// frames' KPF_ANON. No re-check (nothing can change). For the decoder
    /// fuzzer (Fuzz/).
    public static func check<S: ByteSource>(saved decoder: StreamDecoder<S>, pagemap: any PagemapEntrySource,
                                            maps: [MemoryMapping], mismatchLimit: Int = 1000,
                                            guardRegionsInPagemap: Bool? = nil,
                                            frameFlags: KernelPageFlagsReader? = nil) throws -> VerifyReport {
        let pid = Int32(bitPattern: decoder.header.pid)
        let start = decoder.header.start, end = decoder.header.end
        let pass = try check(decoder, pagemap: pagemap, frameFlags: frameFlags, limit: mismatchLimit,
                             guardRegions: .given(guardRegionsInPagemap), pid: pid)
        var report = pass.report
        report.persistentMismatches = report.totalMismatches
        report.vmaDifferences = VMAComparison.differences(walked: pass.report.vmas, maps: maps, start: start, end: end)
            .map(\.description)
        return report
    }

    // MARK: - Re-check

    /// Re-checks after the first pass. A page is persistent when it
    /// differs in the first pass and in every re-check: khugepaged and
    /// reclaim go on under `--freeze`, and a THP collapsed between one
    /// re-check's walk and its read would otherwise pass for persistent.
    /// A re-check where /proc/PID/maps, read before and after it, changed
    /// over a page cannot tell a difference from a move (mremap moving a
    /// region back and forth can line up with every round), nor one whose
    /// walk saw the page otherwise than the first pass did (a page freed
    /// and faulted in again as fast as verify looks): there, the page does
    /// not count as differing again.
    private static let recheckRounds = 2

    /// Walks at most per re-check round (``PageSet/ranges(limit:)``).
    private static let recheckWalks = 64

    /// Walks and reads every mismatched page again, listed or not; what
    /// still differs, round after round, is persistent.
    private func recheck(_ report: inout VerifyReport, mismatched: PageSet,
                         views: [UInt64: PageChecker.ModuleView], pagemap: PagemapReader,
                         frameFlags: KernelPageFlagsReader?, guardRegions: GuardRegionAnswer,
                         resources: RunResources, phases: inout PhaseTimes) throws {
        guard !mismatched.isEmpty else { return }
        let target = ProcTarget.process(options.pid)
        let pageSize = UInt64(1) << UInt64(mismatched.pageShift)
        var persistent = mismatched
        for _ in 0..<Self.recheckRounds where !persistent.isEmpty {
            let mapsBefore = try ProcessMaps.read(target)
            var again = PageSet(pageShift: persistent.pageShift)
            for range in persistent.ranges(limit: Self.recheckWalks) {
                let pass = try pass(start: range.lowerBound, end: range.upperBound, pagemap: pagemap,
                                    frameFlags: frameFlags, guardRegions: guardRegions, resources: resources,
                                    collect: false, phases: &phases, phase: "recheck")
                again.formUnion(pass.mismatched)
                for (address, view) in pass.moduleViews where views[address].map({ $0 != view }) ?? false {
                    again.remove(in: address..<address &+ pageSize)
                }
            }
            for moved in VMAComparison.changedRanges(mapsBefore, try ProcessMaps.read(target)) {
                again.remove(in: moved)
            }
            // A joined range walks pages between mismatches too: only the
            // ones that differed before count.
            persistent = persistent.intersection(again)
        }
        for i in report.mismatches.indices {
            report.mismatches[i].persistent = persistent.contains(report.mismatches[i].address)
        }
        for i in report.vmas.indices where report.vmas[i].mismatches > 0 {
            report.vmas[i].persistent = persistent.count(in: report.vmas[i].vma.start..<report.vmas[i].vma.end)
        }
        report.persistentMismatches = persistent.count
        report.transientMismatches = mismatched.count - persistent.count
    }
}

/// Why verify could not finish.
public enum VerifyError: Error, CustomStringConvertible {
    case walkEnded(status: Int32, pid: Int32)

    public var description: String {
        switch self {
        case let .walkEnded(status, pid):
            if status == LinuxErrno.noSuchProcess {
                return "pid \(pid) exited (or exec'd) during the walk; nothing to verify."
            }
            return "the module's walk of pid \(pid) failed with \(LinuxErrno.name(Int64(status)))."
        }
    }
}
