#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import PgwalkKit

/// The sweep behind `--all`: what it hands to its body, what it skips and
/// counts, and what ends the run, on real pids of this machine.
@Suite struct ProcessSweepTests {
    private struct Unexpected: Error {}

    @Test func outcomesAreCountedByWhatTheBodyThrows() throws {
        var child: pid_t = 0
        let status = withCStrings(["/bin/true"]) { posix_spawn(&child, "/bin/true", nil, nil, $0, environ) }
        try #require(status == 0)
        var wait: Int32 = 0
        waitpid(child, &wait, 0)
        let me = getpid()
        let sweep = ProcessSweep(excluding: [], checksModuleVersion: false)
        var seen: [Int32: String] = [:]
        var calls = 0
        let throwing: [any Error] = [
            ModuleError.from(.permissionDenied, operation: "request", pid: me),
            ProcfsError(.processGone, operation: "open"),
            ModuleError.from(.noSuchAddressOrDevice, operation: "request", pid: me),
            Unexpected(),
        ]
        // The same live process four times, the body failing each way, then
        // once succeeding; a reaped child; pid 2 when it is kthreadd.
        var pids = Array(repeating: me, count: 5) + [child]
        let hasKthreadd = (try? String(contentsOfFile: "/proc/2/comm", encoding: .utf8)) == "kthreadd\n"
        if hasKthreadd { pids.append(2) }
        var results: [String] = []
        let counts = try sweep.run(pids: pids, { entry -> Int in
            #expect(entry.pid == me)
            calls += 1
            if calls <= throwing.count { throw throwing[calls - 1] }
            return 42
        }, each: { entry, outcome in
            switch outcome {
            case .done(let value): results.append("done \(value)")
            case .skipped(let reason): results.append(reason.rawValue)
            case .failed: results.append("failed")
            }
            seen[entry.pid] = results.last
        })
        var want = ["not-permitted", "exited", "kernel-thread", "failed", "done 42", "exited"]
        if hasKthreadd { want.append("kernel-thread") }
        #expect(results == want)
        #expect(calls == 5)
        #expect(counts.listed == pids.count)
        #expect(counts.done == 1 && counts.failed == 1)
        #expect(counts.skipped(.notPermitted) == 1)
        #expect(counts.skipped(.exited) == 2)
        #expect(counts.skipped(.kernelThread) == (hasKthreadd ? 2 : 1))
        #expect(counts.listed == counts.done + counts.failed + counts.totalSkipped)
    }

    @Test func theCallerIsExcludedAndRunWideErrorsEndTheRun() throws {
        let me = getpid()
        let sweep = ProcessSweep(checksModuleVersion: false)
        #expect(sweep.excluding == [me])
        let counts = try sweep.run(pids: [me], { _ in Issue.record("the caller was walked") }, each: { _, _ in })
        #expect(counts.listed == 0)
        let open = ProcessSweep(excluding: [], checksModuleVersion: false)
        #expect(throws: ModuleError.self) {
            _ = try open.run(pids: [me], { _ in
                throw ModuleError.from(.noSuchFileOrDirectory, operation: "open", pid: me)
            }, each: { _, _ in })
        }
        // EACCES at the walk file's open is its mode, not the target's.
        #expect(throws: ModuleError.self) {
            _ = try open.run(pids: [me], { _ in
                throw ModuleError.from(.permissionDenied, operation: "open", pid: me)
            }, each: { _, _ in })
        }
    }
}
