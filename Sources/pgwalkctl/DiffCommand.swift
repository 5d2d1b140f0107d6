import ArgumentParser
import PgwalkKit
import PgwalkRender

/// `pgwalkctl diff`: what changed between two walks of one address space,
/// page by page, summarised per VMA.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed between two walks: pages mapped, unmapped, moved to other frames, THPs split or collapsed, swapped, flags.",
        usage: """
            pgwalkctl diff BEFORE.pgw AFTER.pgw [--json]
            pgwalkctl diff --pid P [--json] -- COMMAND [ARG...]
            """,
        discussion: """
            With two saved streams (walk --output), compares them. With --pid, walks the \
            process, runs COMMAND (its output goes to stderr), and walks again. A new frame's \
            cause is read from the write bit: read-only to writable is cow-broken, writable to \
            read-only ksm-merged, unchanged migrated; frames are compared only when both walks \
            show PFNs (CAP_SYS_ADMIN). JSON schema pgwalk.diff/1: docs/JSON.md.
            """
    )

    // One list, since ArgumentParser allows only one array of positional
    // arguments: the two saved streams, or with --pid the command (after --).
    @Argument(help: ArgumentHelp("BEFORE.pgw AFTER.pgw, or with --pid the command to run between the walks, after --.",
                                 valueName: "file-or-command"))
    var arguments: [String] = []

    @Option(name: .long, help: "The process to walk before and after COMMAND.")
    var pid: Int32?

    @OptionGroup var range: RangeOptions

    @Flag(help: "Print JSON (schema pgwalk.diff/1 in docs/JSON.md).")
    var json = false

    @Flag(help: "Show every run of changed pages; the table shows the first 20 per VMA otherwise.")
    var all = false

    @Option(name: .customLong("save-before"), help: "With --pid: save the first walk's stream to this file.")
    var saveBefore: String?

    @Option(name: .customLong("save-after"), help: "With --pid: save the second walk's stream to this file.")
    var saveAfter: String?

    private var files: [String] { pid == nil ? arguments : [] }
    private var command: [String] { pid == nil ? [] : arguments }

    func validate() throws {
        try PIDValidation.check(pid)
        if pid != nil {
            guard !command.isEmpty else {
                throw ValidationError("--pid needs the command to run between the walks, after --: diff --pid P -- COMMAND")
            }
        } else {
            guard files.count == 2 else {
                throw ValidationError("Give two saved streams (before and after), or --pid P -- COMMAND.")
            }
            if saveBefore != nil || saveAfter != nil {
                throw ValidationError("--save-before and --save-after go with --pid.")
            }
            if range.start != nil || range.end != nil {
                throw ValidationError("--start and --end go with --pid; a saved stream has its own range.")
            }
        }
    }

    func run() throws {
        let before: CollectedWalk
        let after: CollectedWalk
        var commandStatus: Int32 = 0
        if let pid {
            let pages = range.pageRange()
            before = try WalkReading.collect(.kernel(pid: pid, start: pages.start, end: pages.end, saveTo: saveBefore))
            commandStatus = try CommandBetweenWalks.run(command)
            after = try WalkReading.collect(.kernel(pid: pid, start: pages.start, end: pages.end, saveTo: saveAfter))
        } else {
            before = try WalkReading.collect(.snapshot(path: files[0]))
            after = try WalkReading.collect(.snapshot(path: files[1]))
        }
        let diff: WalkDiff
        do {
            diff = try WalkDiff(before: before, after: after)
        } catch {
            throw ValidationError("Cannot compare the walks: \(error.description).")
        }
        let out = TextOutput()
        out.write(json ? WalkDiffRenderer.json(diff) : WalkDiffRenderer.text(diff, runsPerVMA: all ? 0 : 20))
        out.flush()
        for (name, walk) in [("first", before), ("second", after)] where walk.status != 0 {
            FileStream.standardError.write("pgwalkctl: the \(name) walk ended early (\(LinuxErrno.name(Int64(walk.status)))): the diff covers only what it saw.\n")
        }
        if commandStatus != 0 {
            FileStream.standardError.write("pgwalkctl: \(command[0]) exited with status \(commandStatus); the diff shows what it changed before that.\n")
            throw ExitCode(.failure)
        }
    }
}
