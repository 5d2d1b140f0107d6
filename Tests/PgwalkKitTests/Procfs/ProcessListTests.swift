#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import PgwalkKit

/// `verify --all`'s enumeration: what each process of /proc is, read from
/// this machine's /proc, with processes this test starts and ends itself.
@Suite struct ProcessListTests {
    /// Starts `argv` (a path and its arguments); its pid.
    private func spawn(_ argv: [String]) throws -> pid_t {
        var pid: pid_t = 0
        let status = withCStrings(argv) { args in
            posix_spawn(&pid, argv[0], nil, nil, args, environ)
        }
        try #require(status == 0, "posix_spawn \(argv[0]): \(status)")
        return pid
    }

    private func reap(_ pid: pid_t) {
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    @Test func thisProcessIsAUserProcessWithItsCommand() throws {
        let me = ProcessList.classify(pid: getpid())
        #expect(me.kind == .user)
        let comm = try String(contentsOfFile: "/proc/self/comm", encoding: .utf8)
            .trimmingCharacters(in: .newlines)
        #expect(me.command == comm)
        let pids = try ProcessList.pids()
        #expect(pids.contains(getpid()))
        #expect(pids == pids.sorted())
        #expect(!pids.contains { $0 <= 0 })
    }

    @Test func aChildIsAUserProcessThenAZombieThenGone() throws {
        let pid = try spawn(["/bin/sleep", "30"])
        var reaped = false
        defer { if !reaped { kill(pid, SIGKILL); reap(pid) } }
        // posix_spawn returns once the child exists; it may still be the
        // test's own image for a moment, but a user process either way.
        #expect(ProcessList.classify(pid: pid).kind == .user)
        kill(pid, SIGKILL)
        // Wait for the exit without reaping: the child stays a zombie.
        var info = siginfo_t()
        #expect(waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == 0)
        #expect(ProcessList.classify(pid: pid).kind == .exited)
        reap(pid)
        reaped = true
        let gone = ProcessList.classify(pid: pid)
        #expect(gone.kind == .exited)
        #expect(try !ProcessList.pids().contains(pid))
    }

    @Test func kthreaddIsAKernelThread() throws {
        // pid 2 is kthreadd wherever /proc shows the initial pid namespace.
        guard let comm = try? String(contentsOfFile: "/proc/2/comm", encoding: .utf8),
              comm == "kthreadd\n" else { return }
        let entry = ProcessList.classify(pid: 2)
        #expect(entry.kind == .kernelThread)
        #expect(entry.command == "kthreadd")
    }

    @Test func statLinesAreClassifiedByStateAndFlags() {
        func kind(_ line: String) -> ProcessList.Entry.Kind {
            ProcessList.classify(pid: 7, statLine: Array(line.utf8)).kind
        }
        // Field 9 is the flags: 0x200000 is PF_KTHREAD, 0x4 PF_EXITING.
        #expect(kind("7 (kworker/0:1) I 2 0 0 0 -1 69238880 0 0") == .kernelThread)
        #expect(kind("7 (a) b) c) S 1 7 7 0 -1 4194304 0 0") == .user)
        #expect(kind("7 (x) R 1 7 7 0 -1 4194308 0 0") == .exited)
        #expect(kind("7 (x) Z 1 7 7 0 -1 4227084 0 0") == .exited)
        #expect(kind("7 (x) S") == .exited)
        #expect(ProcessList.classify(pid: 7, statLine: Array("7 (a) b) c) S 1 7 7 0 -1 4194304 0 0".utf8)).command
                == "a) b) c")
    }
}
