import ArgumentParser
import PgwalkKit
import SystemPackage

/// `pgwalkctl conform`: proves the Swift walker model against the kernel.
///
/// The module records the kernel's exact callback sequence (its trace
/// option); the Swift walker, replaying the page tables rebuilt from the
/// same walk, must produce the identical sequence: order, addresses,
/// actions, hole depths, stops. The Swift walker mirrors the kernel that
/// recorded the trace (the stream header's kernel version) unless
/// `--walker` names another. Exit 0 when it does, 1 when it does not.
struct ConformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conform",
        abstract: "Replay the kernel's callback trace with the Swift walker model and compare.",
        discussion: """
            With --pid, asks the module for a trace walk (save it with --output); with --input, \
            replays a saved trace. See docs/FORMAT.md section 6 and docs/WALKER.md.
            """
    )

    @Option(name: .long, help: "The process to trace.")
    var pid: Int32?

    @OptionGroup var range: RangeOptions

    @OptionGroup var stream: StreamOptions

    @Option(name: .long, help: "Save the trace stream to this file.")
    var output: String?

    @Option(name: .long, help: "Replay a saved trace stream instead.")
    var input: String?

    @Option(name: .long, help: ArgumentHelp(
        "Mirror this kernel's walk_page_range() (e.g. 6.1, 6.12.117, 7.3) instead of the one that recorded the trace.",
        valueName: "version"))
    var walker: String?

    func validate() throws {
        try PIDValidation.check(pid)
        if let walker, WalkerSemantics(kernelVersion: walker) == nil {
            throw ValidationError("--walker takes a kernel version such as 6.1, 6.12.117 or 7.3, not '\(walker)'.")
        }
        if (pid == nil) == (input == nil) {
            throw ValidationError("Give either --pid or --input.")
        }
        if input != nil && output != nil {
            throw ValidationError("--output saves a live trace; it does not go with --input.")
        }
    }

    func run() throws {
        let semantics = walker.flatMap { WalkerSemantics(kernelVersion: $0) }
        let origin: CommandStream.Origin
        if let input {
            origin = .file(input)
        } else {
            let pages = range.pageRange()
            origin = .module(WalkRequest(pid: pid!, start: pages.start, end: pages.end, trace: true, seq: stream.seq))
        }
        let report = try CommandStream.read(origin, savingTo: output) { source in
            try ConformanceReplay.run(source: source, semantics: semantics)
        }
        FileStream.standardOutput.write(report.description + "\n")
        if !report.passed {
            throw ExitCode(.mismatch)
        }
    }
}
