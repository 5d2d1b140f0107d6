import Foundation
import SystemPackage
import Testing
@testable import PgwalkKit
@testable import PgwalkRender

/// `verify --all`'s and `walk --all`'s outputs: the counts add up, the JSON
/// documents parse and have the shape docs/JSON.md gives them.
@Suite struct AllProcessesRendererTests {
    private struct Broken: Error, CustomStringConvertible { var description: String { "pagemap said \"no\"" } }

    private func report(pid: Int32, pages: UInt64, persistent: UInt64) -> VerifyReport {
        var r = VerifyReport(description: WalkDescription(
            pid: pid, source: .kernel, geometry: .x86_64FourLevel, kernelRelease: "6.1.0",
            pfnVisible: true, start: 0, end: 0x7fff_ffff_f000))
        r.pagesChecked = pages
        if persistent > 0 {
            r.totalMismatches = persistent + 1
            r.persistentMismatches = persistent
            r.transientMismatches = 1
            r.mismatches = [VerifyReport.Mismatch(
                address: 0x7f00_0000_1000, vmaStart: 0x7f00_0000_0000,
                differences: [.init(field: .present, module: "1", pagemap: "0")], persistent: true)]
        }
        return r
    }

    /// Six processes, one of each outcome.
    private func outcomes() -> [(ProcessList.Entry, AllProcessesVerifier.Outcome)] {
        [
            (.init(pid: 1, command: "init", kind: .user), .done(report(pid: 1, pages: 100, persistent: 0))),
            (.init(pid: 2, command: "kthreadd", kind: .kernelThread), .skipped(.kernelThread)),
            (.init(pid: 40, command: "we \"quote\"", kind: .user), .done(report(pid: 40, pages: 50, persistent: 2))),
            (.init(pid: 41, command: "gone", kind: .user), .skipped(.exited)),
            (.init(pid: 42, command: "other", kind: .user), .skipped(.notPermitted)),
            (.init(pid: 43, command: "odd", kind: .user), .failed(Broken())),
        ]
    }

    private func summary() -> AllProcessesVerifier.Summary {
        var s = AllProcessesVerifier.Summary()
        for (_, outcome) in outcomes() { s.add(outcome) }
        return s
    }

    @Test func summaryCountsEveryOutcome() {
        let s = summary()
        #expect(s.counts.listed == 6)
        #expect(s.counts.done == 2 && s.matched == 1 && s.mismatched == 1)
        #expect(s.counts.skipped(.kernelThread) == 1 && s.counts.skipped(.exited) == 1
                && s.counts.skipped(.notPermitted) == 1)
        #expect(s.counts.failed == 1)
        #expect(s.pagesChecked == 150 && s.persistentMismatches == 2)
        #expect(!s.matches)
        var clean = AllProcessesVerifier.Summary()
        clean.add(.done(report(pid: 1, pages: 3, persistent: 0)))
        clean.add(.skipped(.exited))
        #expect(clean.matches)
    }

    @Test func textHasALinePerUserProcessAndATotal() {
        let lines = outcomes().compactMap { AllProcessesVerifyRenderer.textLine($0.0, $0.1) }
        #expect(lines.count == 5)
        #expect(lines[0] == "pid 1 (init): 100 pages, all match\n")
        #expect(lines[1].hasPrefix("pid 40 (") && lines[1].hasSuffix("3 mismatched (2 persistent): MISMATCH\n"))
        #expect(lines[2] == "pid 41 (gone): skipped, exited during the run\n")
        #expect(lines[4].contains("failed: pagemap said"))
        let total = AllProcessesVerifyRenderer.textTotal(summary())
        #expect(total == "6 processes: 2 verified (1 match, 1 mismatch), 3 skipped (1 kernel threads, 1 exited, "
                + "1 not permitted), 1 failed; 150 pages checked, 2 persistent mismatches: MISMATCH\n")
    }

    /// A process that matches after re-check says what was transient: its
    /// pages, its VMA differences, or both.
    @Test func aMatchAfterReCheckNamesWhatWasTransient() {
        let entry = ProcessList.Entry(pid: 7, command: "churn", kind: .user)
        var r = report(pid: 7, pages: 20, persistent: 0)
        r.transientVMADifferences = 2
        #expect(AllProcessesVerifyRenderer.textLine(entry, .done(r))
                == "pid 7 (churn): 20 pages, all match after re-check (2 transient VMA difference(s))\n")
        r.totalMismatches = 5
        r.transientMismatches = 5
        #expect(AllProcessesVerifyRenderer.textLine(entry, .done(r))
                == "pid 7 (churn): 20 pages, all match after re-check (5 transient, 2 transient VMA difference(s))\n")
    }

    @Test func jsonParsesWithAnEntryPerUserProcess() throws {
        var text = AllProcessesVerifyRenderer.jsonBegin
        var first = true
        for (entry, outcome) in outcomes() {
            if let part = AllProcessesVerifyRenderer.jsonEntry(entry, outcome, first: first) {
                text += part
                first = false
            }
        }
        text += AllProcessesVerifyRenderer.jsonEnd(summary())
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(doc["schema"] as? String == "pgwalk.verify-all/1")
        #expect(doc["result"] as? String == "mismatch")
        let processes = try #require(doc["processes"] as? [[String: Any]])
        #expect(processes.map { $0["pid"] as? Int } == [1, 40, 41, 42, 43])
        #expect(processes.map { $0["result"] as? String } == ["match", "mismatch", "skipped", "skipped", "failed"])
        #expect(processes[1]["command"] as? String == "we \"quote\"")
        #expect((processes[0]["summary"] as? [String: Any])?["pages"] as? Int == 100)
        let mismatches = try #require(processes[1]["mismatches"] as? [[String: Any]])
        #expect(mismatches.first?["address"] as? String == "0x7f0000001000")
        #expect(processes[0]["mismatches"] == nil)
        #expect(processes[2]["reason"] as? String == "exited")
        #expect(processes[3]["reason"] as? String == "not-permitted")
        #expect(processes[4]["error"] as? String == "pagemap said \"no\"")
        let s = try #require(doc["summary"] as? [String: Any])
        #expect(s["processes"] as? Int == 6 && s["verified"] as? Int == 2 && s["failed"] as? Int == 1)
        #expect(s["matched"] as? Int == 1 && s["mismatched"] as? Int == 1)
        #expect(s["pages"] as? Int == 150 && s["persistent"] as? Int == 2)
        let skipped = try #require(s["skipped"] as? [String: Int])
        #expect(skipped == ["kernel-thread": 1, "exited": 1, "not-permitted": 1])
    }

    @Test func walkAllJSONHoldsEachWalkDocument() throws {
        let path = FilePath(NSTemporaryDirectory() + "walk-all-\(getpid()).json")
        defer { unlink(path.string) }
        let fd = try FileDescriptor.open(path, .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
        let description = WalkDescription(pid: 10, source: .kernel, geometry: .x86_64FourLevel, kernelRelease: "7.3",
                                          pfnVisible: false, start: 0, end: 0x7fff_ffff_f000)
        var walk = CollectedWalk(description: description)
        let vma = VMA(start: 0x1000, end: 0x3000)
        walk.vmas = [vma]
        walk.rows = [MappingRow(start: 0x1000, end: 0x3000, placement: .level(.pte), kind: .none, flags: [],
                                swapType: 0, payload: 0, payloadStep: 0, vmaStart: 0x1000)]
        do {
            let out = TextOutput(fd)
            let renderer = AllProcessesWalkJSONRenderer(output: out)
            renderer.begin()
            var counts = ProcessSweep.Counts()
            let cases: [(ProcessList.Entry, ProcessSweep.Outcome<CollectedWalk>)] = [
                (.init(pid: 2, command: "kthreadd", kind: .kernelThread), .skipped(.kernelThread)),
                (.init(pid: 10, command: "a", kind: .user), .done(walk)),
                (.init(pid: 11, command: "b", kind: .user), .skipped(.exited)),
            ]
            for (entry, outcome) in cases {
                counts.add(outcome)
                renderer.process(entry, outcome)
            }
            renderer.end(counts)
        }
        try fd.close()
        let data = try Data(contentsOf: URL(fileURLWithPath: path.string))
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(doc["schema"] as? String == "pgwalk.walk-all/1")
        let processes = try #require(doc["processes"] as? [[String: Any]])
        #expect(processes.map { $0["pid"] as? Int } == [10, 11])
        let inner = try #require(processes[0]["walk"] as? [String: Any])
        #expect(inner["schema"] as? String == "pgwalk.walk/1" && inner["pid"] as? Int == 10)
        let vmas = try #require(inner["vmas"] as? [[String: Any]])
        #expect((vmas.first?["rows"] as? [[String: Any]])?.count == 1)
        let s = try #require(doc["summary"] as? [String: Any])
        #expect(s["processes"] as? Int == 3 && s["walked"] as? Int == 1)
        #expect((s["skipped"] as? [String: Int])?["kernel-thread"] == 1)
    }
}
