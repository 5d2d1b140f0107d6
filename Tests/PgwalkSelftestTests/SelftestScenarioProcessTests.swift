import Testing
import SystemPackage
@testable import PgwalkKit
@testable import PgwalkSelftest
#if canImport(Glibc)
import Glibc
#endif

/// Starting, reading and stopping a scenario program, with small shell
/// scripts standing in for pgwalk-scenario.
@Suite struct SelftestScenarioProcessTests {
    /// Writes an executable script and returns its path.
    static func script(_ body: String) throws -> String {
        var template = Array("/tmp/pgwalk-scenario-test-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw Errno(rawValue: errno) }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let file = FileDescriptor(rawValue: fd)
        _ = try file.writeAll(("#!/bin/sh\n" + body + "\n").utf8)
        try file.close()
        chmod(path, 0o755)
        return path
    }

    @Test func aReadyProgramIsReadAndStoppedByClosingStdin() throws {
        // Exits 3 only when its stdin reaches EOF, as the protocol asks.
        let path = try Self.script("""
            echo "scenario fake"; echo "pid $$"; echo "region r 0x1000 0x3000 rw-p"; echo "page r 0-1 written"; echo ready
            while read line; do :; done; exit 3
            """)
        defer { unlink(path) }
        let process = try ScenarioProcess(binary: path, scenario: "fake")
        var parser = ScenarioLayoutParser()
        try process.readLayout(into: &parser, deadline: Clock.now + 20)
        #expect(parser.layout.pid == process.pid)
        #expect(parser.layout.words("r", 1) == ["written"])
        #expect(process.stop() == 3)
    }

    @Test func anErrorLineOnStderrBecomesTheFailure() throws {
        let path = try Self.script("echo 'scenario fake'; echo 'error mmap: Cannot allocate memory' >&2; exit 2")
        defer { unlink(path) }
        let process = try ScenarioProcess(binary: path, scenario: "fake")
        var parser = ScenarioLayoutParser()
        do {
            try process.readLayout(into: &parser, deadline: Clock.now + 20)
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("error mmap: Cannot allocate memory"))
            #expect("\(error)".contains("exit status 2"))
        }
    }

    @Test func aProgramThatNeverGetsReadyTimesOutAndIsKilled() throws {
        // Ignores SIGTERM and stdin EOF: only SIGKILL ends it.
        let path = try Self.script("trap '' TERM; echo 'scenario slow'; while :; do sleep 1; done")
        defer { unlink(path) }
        let process = try ScenarioProcess(binary: path, scenario: "slow")
        process.graceSeconds = 0.3
        var parser = ScenarioLayoutParser()
        #expect(throws: ScenarioProcess.Failed.self) {
            try process.readLayout(into: &parser, deadline: Clock.now + 0.5)
        }
        #expect(parser.layout.scenario == "slow")
        _ = process.stop()
        #expect(kill(process.pid, 0) != 0) // reaped
    }

    @Test func aMissingProgramSaysHowToBuildIt() {
        do {
            _ = try ScenarioProcess(binary: "/nonexistent/pgwalk-scenario", scenario: "x")
            Issue.record("started a missing program")
        } catch {
            #expect("\(error)".contains("--product pgwalk-scenario"))
        }
    }
}
