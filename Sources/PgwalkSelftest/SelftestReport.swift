import PgwalkKit

/// The results of `pgwalkctl selftest`, and their text and JSON forms
/// (schema `pgwalk.selftest/1`, docs/JSON.md).
package struct SelftestReport: Sendable {
    package struct Result: Sendable {
        package var name: String
        package var verdict: ScenarioVerdict
        package var seconds: Double
        /// Pages `verify` compared, pid and pid2 together.
        package var pagesVerified: UInt64

        package init(name: String, verdict: ScenarioVerdict, seconds: Double, pagesVerified: UInt64) {
            self.name = name
            self.verdict = verdict
            self.seconds = seconds
            self.pagesVerified = pagesVerified
        }
    }

    package var results: [Result] = []
    package var pagingLevels: Int
    package var kernelRelease: String
    /// Settings changed and restored, in order.
    package var settingsChanged: [String] = []
    /// Settings that could not be put back.
    package var restoreFailures: [String] = []

    package init(pagingLevels: Int, kernelRelease: String) {
        self.pagingLevels = pagingLevels
        self.kernelRelease = kernelRelease
    }

    package func count(_ word: String) -> Int { results.filter { $0.verdict.word == word }.count }
    package var passed: Int { count("PASS") }
    package var failed: Int { count("FAIL") + (restoreFailures.isEmpty ? 0 : 1) }
    package var skipped: Int { count("SKIP") }
    package var succeeded: Bool { failed == 0 }

    package var summaryLine: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }

    static let nameWidth = 15

    package static var tableHeader: String {
        "scenario".padded(to: nameWidth) + " result  time    reason\n"
    }

    package static func tableLine(_ r: Result) -> String {
        let time = (String(Double(Int(r.seconds * 10)) / 10) + "s").padded(to: 7)
        return r.name.padded(to: nameWidth) + " " + r.verdict.word.padded(to: 7) + " " + time + " "
            + (r.verdict.reason ?? "") + "\n"
    }

    package var text: String {
        var out = "pgwalkctl selftest: kernel \(kernelRelease), \(pagingLevels)-level paging\n"
        out += Self.tableHeader
        for r in results { out += Self.tableLine(r) }
        out += footer
        return out
    }

    /// Restore problems and the summary line.
    package var footer: String {
        var out = ""
        for failure in restoreFailures { out += "restore: \(failure)\n" }
        return out + summaryLine + "\n"
    }

    package var json: String {
        var out = "{\n  \"schema\": \"pgwalk.selftest/1\",\n"
        out += "  \"kernel_release\": \(JSON.string(kernelRelease)),\n"
        out += "  \"paging_levels\": \(pagingLevels),\n"
        out += "  \"scenarios\": [\n"
        out += results.map { r in
            "    {\"name\": \(JSON.string(r.name)), \"result\": \(JSON.string(r.verdict.word.lowercased())), "
                + "\"reason\": \(r.verdict.reason.map(JSON.string) ?? "null"), "
                + "\"seconds\": \(Double(Int(r.seconds * 1000)) / 1000), \"pages_verified\": \(r.pagesVerified)}"
        }.joined(separator: ",\n")
        out += "\n  ],\n"
        out += "  \"settings_changed\": \(JSON.array(settingsChanged)),\n"
        out += "  \"restore_failures\": \(JSON.array(restoreFailures)),\n"
        out += "  \"summary\": {\"passed\": \(passed), \"failed\": \(failed), \"skipped\": \(skipped)}\n}\n"
        return out
    }
}
