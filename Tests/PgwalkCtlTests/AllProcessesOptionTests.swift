import ArgumentParser
import PgwalkKit
import Testing
@testable import pgwalkctl

/// `--all` on verify and walk: which options go with it (a usage error,
/// exit 2, through validate()), and how a run over every process ends.
@Suite struct AllProcessesOptionTests {
    private func ending(_ arguments: [String]) -> Termination {
        do {
            _ = try PgwalkCtl.parseAsRoot(arguments)
            return .success
        } catch {
            return Termination(error: error)
        }
    }

    private func message(_ termination: Termination) -> String {
        if case .standardError(let text)? = termination.message { return text }
        return ""
    }

    @Test func allGoesWithoutPid() {
        for arguments in [["verify", "--all", "--pid", "1"], ["walk", "--all", "--format", "json", "--pid", "1"]] {
            let termination = ending(arguments)
            #expect(termination.status.rawValue == 2, "\(arguments)")
            #expect(message(termination).contains("--all and --pid are exclusive"), "\(arguments)")
        }
        #expect(ending(["verify", "--all"]) == .success)
        #expect(ending(["verify", "--all", "--json", "--limit", "5", "--start", "0x1000"]) == .success)
        #expect(ending(["walk", "--all", "--format", "json", "--no-seq"]) == .success)
        #expect(ending(["verify", "--pid", "1"]) == .success)
    }

    @Test func neitherPidNorAllIsAUsageError() {
        let termination = ending(["verify"])
        #expect(termination.status.rawValue == 2)
        #expect(message(termination).contains("Give --pid, or --all"))
    }

    @Test func optionsThatNeedOneProcessAreRefusedWithAll() {
        for arguments in [["verify", "--all", "--freeze"], ["walk", "--all"], ["walk", "--all", "--format", "csv"],
                          ["walk", "--all", "--format", "json", "--tree"],
                          ["walk", "--all", "--format", "json", "--source", "pagemap"],
                          ["walk", "--all", "--format", "json", "--output", "/tmp/x.pgw"],
                          ["walk", "--all", "--format", "json", "--input", "/tmp/x.pgw"]] {
            #expect(ending(arguments).status.rawValue == 2, "\(arguments)")
        }
    }

    private func report(persistent: UInt64) -> VerifyReport {
        var r = VerifyReport(description: WalkDescription(
            pid: 1, source: .kernel, geometry: .x86_64FourLevel, kernelRelease: "6.1",
            pfnVisible: true, start: 0, end: 0x1000))
        r.pagesChecked = 1
        r.totalMismatches = persistent
        r.persistentMismatches = persistent
        return r
    }

    private struct Odd: Error {}

    /// The run's status: 1 as soon as one process has persistent
    /// mismatches (whatever else happened), 7 for a process that failed
    /// otherwise, 0 for matches and skips.
    @Test func aPersistentMismatchEndsWithOne() {
        func status(_ outcomes: [AllProcessesVerifier.Outcome]) -> Int32 {
            var summary = AllProcessesVerifier.Summary()
            for outcome in outcomes { summary.add(outcome) }
            do {
                try AllProcessesEnding.check(summary)
                return 0
            } catch {
                return Termination(error: error).status.rawValue
            }
        }
        #expect(status([.done(report(persistent: 0)), .skipped(.exited), .skipped(.kernelThread),
                        .skipped(.notPermitted)]) == 0)
        #expect(status([.done(report(persistent: 0)), .done(report(persistent: 3))]) == 1)
        #expect(status([.done(report(persistent: 3)), .failed(Odd())]) == 1)
        #expect(status([.done(report(persistent: 0)), .failed(Odd())]) == 7)
        #expect(status([]) == 0)
    }
}
