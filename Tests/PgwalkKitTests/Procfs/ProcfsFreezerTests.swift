#if canImport(Glibc)
import Glibc
#endif
import PgwalkKit
import SystemPackage
import Testing

/// ProcessFreezer on child processes; states are read from /proc/PID/stat
/// by the test's own code.
@Suite struct ProcfsFreezerTests {
    struct Boom: Error {}

    func runningChild() throws -> ProcfsChildProcess {
        let child = try ProcfsChildProcess.sleeper()
        #expect(child.waitForState { $0 == "S" } == "S")
        return child
    }

    @Test func freezeStopsAndResumeContinues() throws {
        let child = try runningChild()
        let freezer = try ProcessFreezer(pid: child.pid)
        #expect(!freezer.wasAlreadyStopped)
        #expect(freezer.isHeldByUs)
        #expect(child.stateLetter() == "T", "stopped as soon as the initializer returns")
        try freezer.resume()
        #expect(!freezer.isHeldByUs)
        #expect(child.waitForState { $0 == "S" || $0 == "R" } != "T")
        try freezer.resume()  // a second resume does nothing
    }

    @Test func deinitResumes() throws {
        let child = try runningChild()
        do {
            let freezer = try ProcessFreezer(pid: child.pid)
            #expect(child.stateLetter() == "T")
            _ = freezer
        }
        #expect(child.waitForState { $0 != "T" } != "T")
    }

    @Test func withFrozenResumesWhenTheBodyThrows() throws {
        let child = try runningChild()
        #expect(throws: Boom.self) {
            try ProcessFreezer.withFrozen(pid: child.pid) { _ in
                #expect(child.stateLetter() == "T")
                throw Boom()
            }
        }
        #expect(child.waitForState { $0 != "T" } != "T")
        let value = try ProcessFreezer.withFrozen(pid: child.pid) { _ in child.stateLetter() }
        #expect(value == "T")
        #expect(child.waitForState { $0 != "T" } != "T")
    }

    @Test func alreadyStoppedTargetIsNotContinued() throws {
        let child = try runningChild()
        kill(child.pid, SIGSTOP)
        #expect(child.waitForState { $0 == "T" } == "T")
        do {
            let freezer = try ProcessFreezer(pid: child.pid)
            #expect(freezer.wasAlreadyStopped)
            #expect(!freezer.isHeldByUs)
            try freezer.resume()
        }
        usleep(50_000)
        #expect(child.stateLetter() == "T", "someone else stopped it; it stays stopped")
        kill(child.pid, SIGCONT)
        #expect(child.waitForState { $0 != "T" } != "T")
    }

    @Test func refusesSelfAndGonePids() throws {
        #expect {
            try ProcessFreezer(pid: getpid())
        } throws: { error in (error as? ProcfsError)?.reason == .cannotFreezeSelf }
        #expect {
            try ProcessFreezer(.current)
        } throws: { error in (error as? ProcfsError)?.reason == .cannotFreezeSelf }
        let child = try ProcfsChildProcess.sleeper()
        let pid = child.pid
        child.killAndReap()
        #expect {
            try ProcessFreezer(pid: pid)
        } throws: { error in (error as? ProcfsError)?.reason == .processGone }
    }

    @Test func everyThreadIsStopped() throws {
        // A shell pipeline is several processes; use a multi-threaded target
        // if one is at hand, else the single-threaded sleeper.
        let child = try runningChild()
        try ProcessFreezer.withFrozen(pid: child.pid) { _ in
            let threads = try ProcessRunState.readThreads(pid: child.pid)
            #expect(!threads.isEmpty)
            #expect(threads.values.allSatisfy { $0 == .stopped }, "\(threads)")
            #expect(try ProcessRunState.read(pid: child.pid) == .stopped)
        }
        #expect(try ProcessRunState.read(pid: child.pid) != .stopped)
    }

    @Test func statStateParsing() throws {
        #expect(try ProcessRunState.parse(statLine: Array("42 (a) b) c) T 1 2 3".utf8)) == .stopped)
        #expect(try ProcessRunState.parse(statLine: Array("1 (systemd) S 0".utf8)) == .sleeping)
        #expect(try ProcessRunState.parse(statLine: Array("7 (x) t 0".utf8)).isStopped)
        #expect(try ProcessRunState.parse(statLine: Array("7 (x) Z 0".utf8)).hasExited)
        #expect(throws: ProcfsError.self) { try ProcessRunState.parse(statLine: Array("garbage".utf8)) }
    }
}
