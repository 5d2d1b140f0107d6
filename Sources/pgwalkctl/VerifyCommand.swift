import ArgumentParser
import PgwalkKit
import PgwalkRender

/// `pgwalkctl verify`: every page of every VMA, the module's walk against
/// /proc/PID/pagemap. Exit 0 when all match, 1 when mismatches persist.
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

    @Flag(help: "Print JSON (schema pgwalk.verify/1 in docs/JSON.md).")
    var json = false

    @Option(help: "Report (and re-check) at most this many mismatched pages.")
    var limit = 1000

    @OptionGroup var statistics: StatsOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive.") }
    }

    func run() throws {
        let stopwatch = Stopwatch()
        let range = target.pageRange()
        var options = Verifier.Options(pid: target.pid, start: range.start, end: range.end)
        options.freeze = freeze
        options.mismatchLimit = limit
        let progress = Progress.line(label: "verify", end: range.end ?? PagingGeometry.ofRunningKernel().userAddressLimit,
                                     machineReadable: json)
        if let progress { options.progress = { progress.update(address: $0) } }
        let report: VerifyReport
        do {
            report = try Verifier(options: options).run()
            progress?.clear()
        } catch {
            progress?.clear()
            throw error
        }
        let out = TextOutput()
        out.write(json ? VerifyReportRenderer.json(report) : VerifyReportRenderer.text(report))
        out.flush()
        statistics.report(RunStatistics(command: "verify", seconds: stopwatch.seconds, counts: [
            .init("pages", report.pagesChecked), .init("mismatches", report.totalMismatches),
            .init("persistent", report.persistentMismatches),
        ]))
        if !report.matches {
            FileStream.standardError.write("pgwalkctl: \(report.persistentMismatches) page(s) differ between the "
                                           + "module's walk and /proc/PID/pagemap after a re-check.\n")
            throw ExitCode(.mismatch)
        }
    }
}
