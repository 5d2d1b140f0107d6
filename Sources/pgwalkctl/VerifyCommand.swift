import ArgumentParser
import PgwalkKit
import PgwalkRender

/// `pgwalkctl verify`: every page of every VMA, the module's walk against
/// /proc/PID/pagemap, of one process or (`--all`) of every one. Exit 0 when
/// all match, 1 when mismatches persist.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every page the module walks against /proc/PID/pagemap.",
        discussion: """
            Rules for where the two views may legitimately differ: docs/VERIFY.md. Mismatches \
            are re-checked; those that go away are reported as transient. JSON schema: docs/JSON.md.
            """
    )

    @OptionGroup var target: TargetOptions

    @Flag(help: "Hold the target still (SIGSTOP) during the walk and the reads; it is always resumed.")
    var freeze = false

    @Flag(help: "Print JSON (schema pgwalk.verify/1 in docs/JSON.md; pgwalk.verify-all/1 with --all).")
    var json = false

    @Option(help: "List at most this many mismatched pages (all of them are re-checked and counted).")
    var limit = 1000

    @OptionGroup var statistics: StatsOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive.") }
        if target.all && freeze {
            throw ValidationError("--freeze goes with --pid: --all does not stop every process on the machine.")
        }
    }

    func run() throws {
        if target.all { return try runAll() }
        let stopwatch = Stopwatch()
        let range = target.pageRange()
        var options = Verifier.Options(pid: target.pid!, start: range.start, end: range.end)
        options.freeze = freeze
        options.mismatchLimit = limit
        let progress = Progress.line(label: "verify", end: range.end ?? PagingGeometry.ofRunningKernel().userAddressLimit,
                                     machineReadable: json)
        if let progress { options.progress = { progress.update(address: $0) } }
        let report: VerifyReport
        var phases = PhaseTimes()
        do {
            report = try Verifier(options: options).run(phases: &phases)
            progress?.clear()
        } catch {
            progress?.clear()
            throw error
        }
        let out = TextOutput()
        phases.time("output") {
            out.write(json ? VerifyReportRenderer.json(report) : VerifyReportRenderer.text(report))
            out.flush()
        }
        statistics.report(RunStatistics(command: "verify", seconds: stopwatch.seconds, counts: [
            .init("pages", report.pagesChecked), .init("mismatches", report.totalMismatches),
            .init("persistent", report.persistentMismatches), .init("scanned", report.pagesCheckedByScan),
        ], phases: phases))
        if !report.matches {
            var differ = [String]()
            if report.persistentMismatches > 0 || report.vmaDifferences.isEmpty {
                differ.append("\(report.persistentMismatches) page(s) differ between the module's walk and "
                              + "/proc/PID/pagemap")
            }
            if !report.vmaDifferences.isEmpty {
                differ.append("\(report.vmaDifferences.count) VMA(s) differ between the module's walk and "
                              + "/proc/PID/maps")
            }
            FileStream.standardError.write("pgwalkctl: \(differ.joined(separator: ", and ")) after a re-check.\n")
            throw ExitCode(.mismatch)
        }
    }

    /// `--all`: a line (or JSON entry) per process as it is verified, then
    /// the total.
    private func runAll() throws {
        let stopwatch = Stopwatch()
        let range = target.pageRange()
        var options = AllProcessesVerifier.Options(start: range.start, end: range.end)
        options.mismatchLimit = limit
        let out = TextOutput()
        var first = true
        // The JSON document starts with the first entry (or the end): a run
        // that fails before its first process prints nothing.
        let summary = try AllProcessesVerifier(options: options).run { entry, outcome in
            let text = json ? AllProcessesVerifyRenderer.jsonEntry(entry, outcome, first: first)
                : AllProcessesVerifyRenderer.textLine(entry, outcome)
            if let text {
                if json && first { out.write(AllProcessesVerifyRenderer.jsonBegin) }
                out.write(text)
                first = false
                // A line per process as it is done: a run over hundreds of
                // processes shows where it is.
                if !json { out.flush() }
            }
        }
        if json && first { out.write(AllProcessesVerifyRenderer.jsonBegin) }
        out.write(json ? AllProcessesVerifyRenderer.jsonEnd(summary) : AllProcessesVerifyRenderer.textTotal(summary))
        out.flush()
        statistics.report(RunStatistics(command: "verify", seconds: stopwatch.seconds, counts: [
            .init("processes", UInt64(summary.counts.listed)), .init("verified", UInt64(summary.counts.done)),
            .init("pages", summary.pagesChecked), .init("persistent", summary.persistentMismatches),
        ]))
        try AllProcessesEnding.check(summary)
    }
}

/// How `verify --all` and `walk --all` end: exit 1 when a process has
/// persistent mismatches (as for one pid), 7 (``Termination``'s other
/// failure) when none has but some process failed for another reason than
/// the skips, 0 otherwise.
enum AllProcessesEnding {
    struct ProcessesFailed: Error, CustomStringConvertible {
        var count: Int
        var verb: String
        var description: String { "\(count) process(es) could not be \(verb) (see their entries)." }
    }

    static func check(_ summary: AllProcessesVerifier.Summary) throws {
        if !summary.matches {
            // A process mismatches by its pages or by its VMAs (its line
            // says which): both were looked at again before being counted.
            FileStream.standardError.write("pgwalkctl: \(summary.mismatched) process(es) have pages or VMAs that differ "
                                           + "between the module's walk and /proc/PID/pagemap or /proc/PID/maps "
                                           + "after a re-check (see their lines).\n")
            throw ExitCode(.mismatch)
        }
        try check(summary.counts, verb: "verified")
    }

    static func check(_ counts: ProcessSweep.Counts, verb: String) throws {
        if counts.failed > 0 { throw ProcessesFailed(count: counts.failed, verb: verb) }
    }
}
