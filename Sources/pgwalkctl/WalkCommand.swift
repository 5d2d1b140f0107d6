import ArgumentParser
import PgwalkKit
import PgwalkRender
import SystemPackage

/// `pgwalkctl walk`: the page tables of a process, as a readable table in the
/// spirit of the kernel's ptdump, or as JSON or CSV for scripts.
struct WalkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "walk",
        abstract: "Show a process's page tables: one line per run of pages mapped alike.",
        discussion: """
            --source kernel (the default) asks the pgwalk module, which walks the page tables \
            with walk_page_range(); --source pagemap rebuilds them from /proc/PID/maps and \
            /proc/PID/pagemap (upper levels inferred). --output saves the module's raw stream; \
            --input reads a saved one instead of asking the module. JSON schema: docs/JSON.md.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// `none` decodes and builds every row but prints nothing: the
        /// null sink the benchmarks time.
        case table, json, csv, none
    }

    enum Source: String, ExpressibleByArgument, CaseIterable {
        case kernel, pagemap
    }

    @Option(name: .long, help: "The process to read (not needed with --input).")
    var pid: Int32?

    @Flag(name: .long, help: """
        Every user process the caller may read (not pgwalkctl itself), with --format json \
        (schema pgwalk.walk-all/1): one entry per process. Kernel threads, processes that exit \
        mid-way and (not as root) those without ptrace read access are skipped and counted.
        """)
    var all = false

    @OptionGroup var range: RangeOptions

    @Option(name: .long, help: "Output format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format = .table

    @Option(name: .long, help: "Where the page tables come from: kernel or pagemap.")
    var source: Source = .kernel

    @Option(name: .long, help: "Save the module's raw stream to this file (pgwalk format, docs/FORMAT.md).")
    var output: String?

    @Option(name: .long, help: "Read a saved stream instead of asking the module.")
    var input: String?

    @Flag(name: .long, help: "Ask the module for its callback trace too (saved with --output).")
    var trace = false

    @Flag(name: .long, help: "Show the page tables as a tree: each table the walker entered, indented by level.")
    var tree = false

    @Option(name: .long, help: "With --tree: show the contents of this many levels of tables (1 = the pgd).")
    var depth: Int?

    @OptionGroup var stream: StreamOptions

    @OptionGroup var statistics: StatsOptions

    func validate() throws {
        if all {
            try AllProcessesValidation.check(all: all, pid: pid)
            if input != nil || output != nil || trace || tree || source == .pagemap || format != .json {
                throw ValidationError("--all goes with --format json, and with none of --input, --output, "
                                      + "--trace, --tree, --source pagemap.")
            }
            return
        }
        if input == nil && pid == nil {
            throw ValidationError("Give --pid, or --input with a saved stream.")
        }
        try PIDValidation.check(pid)
        if input != nil && (source == .pagemap || output != nil) {
            throw ValidationError("--input reads a saved stream: it goes with neither --source pagemap nor --output.")
        }
        if tree && (source == .pagemap || format == .csv) {
            throw ValidationError("--tree shows the module's walk as table or json: not with --source pagemap or --format csv.")
        }
        if let depth, !tree || depth < 1 {
            throw ValidationError("--depth goes with --tree and is at least 1.")
        }
        if source == .pagemap && (output != nil || trace) {
            throw ValidationError("--output and --trace need --source kernel.")
        }
    }

    func run() throws {
        let stopwatch = Stopwatch()
        let out = TextOutput()
        if all {
            let renderer = AllProcessesWalkJSONRenderer(output: out)
            let pages = range.pageRange()
            let counts = try Pgwalk.rowsOfAllProcesses(start: pages.start, end: pages.end, seq: stream.seq) {
                renderer.process($0, $1)
            }
            renderer.end(counts)
            statistics.report(RunStatistics(command: "walk", seconds: stopwatch.seconds, counts: [
                .init("processes", UInt64(counts.listed)), .init("walked", UInt64(counts.done)),
            ]))
            try AllProcessesEnding.check(counts, verb: "walked")
            return
        }
        if tree {
            let end = try renderTree(out: out)
            statistics.report(RunStatistics(command: "walk", seconds: stopwatch.seconds,
                                            counts: RunStatistics.streamCounts(end)))
            try checkEnded(end)
            return
        }
        var renderer: WalkRenderer
        switch format {
        case .table: renderer = WalkTableRenderer(output: out)
        case .json: renderer = WalkJSONRenderer(output: out)
        case .csv: renderer = WalkCSVRenderer(output: out)
        case .none: renderer = NullWalkRenderer()
        }
        let pages = range.pageRange()
        if let progress = Progress.line(label: "walk", end: pages.end ?? PagingGeometry.ofRunningKernel().userAddressLimit,
                                        machineReadable: format == .json || format == .csv) {
            out.beforeWrite = { progress.clear() }
            renderer = ProgressWalkRenderer(renderer, progress: progress)
        }
        let origin: WalkReading.Origin
        if let input {
            origin = .snapshot(path: input)
        } else if source == .pagemap {
            origin = .pagemap(pid: pid!, start: pages.start, end: pages.end)
        } else {
            origin = .kernel(pid: pid!, start: pages.start, end: pages.end, trace: trace, seq: stream.seq, saveTo: output)
        }
        var phases = PhaseTimes()
        let end = try WalkReading.read(origin, into: renderer, phases: &phases)
        phases.time("output") { out.flush() }
        statistics.report(RunStatistics(command: "walk", seconds: stopwatch.seconds,
                                        counts: end.map(RunStatistics.streamCounts) ?? [], phases: phases))
        if let end { try checkEnded(end) }
    }

    /// A live walk that ended early (the target exited) fails after its
    /// output; a saved stream is shown as it was recorded.
    private func checkEnded(_ end: EndRecord) throws {
        if input == nil, end.status != 0, let pid {
            throw WalkEndedEarly(status: end.status, pid: pid, walkedTo: end.walkedTo)
        }
    }

    /// The tables as a tree. It is printed after the walk: a table's counts
    /// are known only once the walker has left it.
    private func renderTree(out: TextOutput) throws -> EndRecord {
        try CommandStream.read(streamOrigin, savingTo: output) { source in
            var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: source))
            let header = driver.header
            var builder = PageTableTreeBuilder(geometry: header.geometry, pfnVisible: header.flags.contains(.pfnVisible))
            let end = try driver.run(ops: &builder)
            let description = WalkDescription(header: header, source: input == nil ? .kernel : .snapshot)
            if format == .json {
                PageTableTreeRenderer.json(builder.finish(), description: description, depth: depth, status: end.status, to: out)
            } else if format == .table {
                PageTableTreeRenderer.text(builder.finish(), description: description, depth: depth, to: out)
            }
            return end
        }
    }

    private var streamOrigin: CommandStream.Origin {
        if let input { return .file(input) }
        let pages = range.pageRange()
        return .module(WalkRequest(pid: pid!, start: pages.start, end: pages.end, trace: trace, seq: stream.seq))
    }
}
