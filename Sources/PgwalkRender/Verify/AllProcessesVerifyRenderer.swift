import PgwalkKit

/// The text and JSON (`pgwalk.verify-all/1`, docs/JSON.md) forms of
/// `verify --all`: one line (or one JSON entry) per process as it is
/// verified, then the total. Kernel threads are only counted: they have no
/// address space to show.
package enum AllProcessesVerifyRenderer {
    // MARK: Text

    /// The line of one process; nil for a kernel thread.
    package static func textLine(_ entry: ProcessList.Entry, _ outcome: AllProcessesVerifier.Outcome) -> String? {
        let who = "pid \(entry.pid) (\(entry.command))"
        switch outcome {
        case .done(let r):
            if r.matches {
                var transient = [String]()
                if r.totalMismatches > 0 { transient.append("\(r.transientMismatches) transient") }
                if r.transientVMADifferences > 0 {
                    transient.append("\(r.transientVMADifferences) transient VMA difference(s)")
                }
                let after = transient.isEmpty ? "" : " after re-check (\(transient.joined(separator: ", ")))"
                return "\(who): \(r.pagesChecked) pages, all match\(after)\n"
            }
            var line = "\(who): \(r.pagesChecked) pages, \(r.totalMismatches) mismatched "
                + "(\(r.persistentMismatches) persistent)"
            if !r.vmaDifferences.isEmpty { line += ", \(r.vmaDifferences.count) VMA difference(s)" }
            return line + ": MISMATCH\n"
        case .skipped(.kernelThread):
            return nil
        case .skipped(let reason):
            return "\(who): skipped, \(phrase(reason))\n"
        case .failed(let error):
            return "\(who): failed: \(error)\n"
        }
    }

    /// The closing line: how many processes ended how.
    package static func textTotal(_ s: AllProcessesVerifier.Summary) -> String {
        let c = s.counts
        let verdict = s.matches ? "all verified processes match" : "MISMATCH"
        return "\(c.listed) processes: \(c.done) verified (\(s.matched) match, \(s.mismatched) mismatch), "
            + "\(c.totalSkipped) skipped (\(c.skipped(.kernelThread)) kernel threads, \(c.skipped(.exited)) exited, "
            + "\(c.skipped(.notPermitted)) not permitted), \(c.failed) failed; "
            + "\(s.pagesChecked) pages checked, \(s.persistentMismatches) persistent mismatches: \(verdict)\n"
    }

    static func phrase(_ reason: ProcessSweep.SkipReason) -> String {
        switch reason {
        case .kernelThread: return "kernel thread"
        case .exited: return "exited during the run"
        case .notPermitted: return "not permitted (no ptrace read access)"
        }
    }

    // MARK: JSON

    /// The start of the document, up to the first process entry.
    package static let jsonBegin = "{\"schema\":\"pgwalk.verify-all/1\",\"processes\":["

    /// One entry of `processes`, with its leading comma unless `first`; nil
    /// for a kernel thread.
    package static func jsonEntry(_ entry: ProcessList.Entry, _ outcome: AllProcessesVerifier.Outcome,
                                 first: Bool) -> String? {
        var s = "{\"pid\":\(entry.pid),\"command\":\(JSON.string(entry.command))"
        switch outcome {
        case .done(let r):
            s += ",\"result\":\"\(r.matches ? "match" : "mismatch")\",\"summary\":" + VerifyReportRenderer.summaryJSON(r)
            if !r.matches {
                s += ",\"mismatches\":" + VerifyReportRenderer.mismatchesJSON(r)
                    + ",\"vma_differences\":\(JSON.array(r.vmaDifferences))"
            }
        case .skipped(.kernelThread):
            return nil
        case .skipped(let reason):
            s += ",\"result\":\"skipped\",\"reason\":\"\(reason.rawValue)\""
        case .failed(let error):
            s += ",\"result\":\"failed\",\"error\":\(JSON.string(String(describing: error)))"
        }
        return (first ? "\n" : ",\n") + s + "}"
    }

    /// The end of the document: the counts and the result.
    package static func jsonEnd(_ s: AllProcessesVerifier.Summary) -> String {
        "\n]," + countsJSON(s.counts, done: "verified") + ",\"matched\":\(s.matched),\"mismatched\":\(s.mismatched)"
            + ",\"pages\":\(s.pagesChecked),\"persistent\":\(s.persistentMismatches)}"
            + ",\"result\":\"\(s.matches ? "match" : "mismatch")\"}\n"
    }

    /// `"summary":{` and the counts every `--all` document shares, left
    /// open for the command's own numbers.
    static func countsJSON(_ c: ProcessSweep.Counts, done: String) -> String {
        "\"summary\":{\"processes\":\(c.listed),\"\(done)\":\(c.done),\"skipped\":{"
            + ProcessSweep.SkipReason.allCases.map { "\"\($0.rawValue)\":\(c.skipped($0))" }.joined(separator: ",")
            + "},\"failed\":\(c.failed)"
    }
}
