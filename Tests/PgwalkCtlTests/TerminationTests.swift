import ArgumentParser
import Foundation
import PgwalkKit
import SystemPackage
import Testing
@testable import pgwalkctl

/// Every outcome of a command maps to the exit code README.md and
/// docs/JSON.md document, with the message the tool has always printed.
@Suite struct TerminationTests {
    /// What a command line ends with, through the real parser; `run` runs
    /// what it parsed to (only for --help, which parses to the parser's own
    /// help command: it throws its text).
    private func ending(_ arguments: [String], run: Bool = false) -> Termination {
        do {
            var command = try PgwalkCtl.parseAsRoot(arguments)
            if run { try command.run() }
            return .success
        } catch {
            return Termination(error: error)
        }
    }

    private func standardError(_ termination: Termination) -> String? {
        if case .standardError(let text)? = termination.message { return text }
        return nil
    }

    /// The table under "Exit codes:" in README.md: code and meaning.
    private func documentedCodes() throws -> [Int32] {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.range(of: "Exit codes:\n"))
        var codes: [Int32] = []
        for line in text[section.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropFirst(3) {
            guard line.hasPrefix("| ") else { break }
            let cell = line.dropFirst(2).prefix { $0 != " " }
            codes.append(try #require(Int32(cell)))
        }
        return codes
    }

    @Test func theCodesAreTheDocumentedOnes() throws {
        let documented = try documentedCodes()
        #expect(documented == Array(0...9))
        #expect(ExitStatus.allCases.map(\.rawValue) == documented)
        for code in documented {
            #expect(ExitStatus.summary.contains("\(code) "))
        }
    }

    @Test func errorsWithADocumentedMeaning() {
        let cases: [(Error, Int32)] = [
            (ModuleError(kind: .notLoaded, errno: nil, operation: "open"), 3),
            (ModuleError(kind: .permissionDenied, errno: .notPermitted, operation: "request", pid: 1), 4),
            (ModuleError(kind: .noSuchProcess, errno: .noSuchProcess, operation: "request", pid: 1), 5),
            (ModuleError(kind: .lockedDown, errno: .notPermitted, operation: "open"), 8),
            (ModuleError(kind: .versionMismatch, errno: nil, operation: "open"), 9),
            (ModuleError(kind: .kernelThread, errno: .invalidArgument, operation: "request", pid: 2), 7),
            (ModuleError(kind: .io, errno: .ioError, operation: "read"), 7),
            (StreamDecodingError(offset: 8, recordIndex: nil, recordType: nil, reason: .unsupportedVersion(99)), 9),
            (StreamDecodingError(offset: 200, recordIndex: 3, recordType: 4, reason: .missingEnd), 6),
            (LoadError("needs root", needsRoot: true), 4),
            (LoadError("modprobe failed"), 7),
            (VerifyError.walkEnded(status: -3, pid: 9), 5),
            (VerifyError.walkEnded(status: -5, pid: 9), 7),
            (ProcfsError(.processGone, operation: "open"), 5),
            (ProcfsError(.permissionDenied, operation: "open"), 4),
            (ProcfsError(.scanUnsupported, operation: "ioctl"), 7),
            (WalkEndedEarly(status: -3, pid: 9, walkedTo: 0x1000), 5),
            (WalkEndedEarly(status: -105, pid: 9, walkedTo: 0x1000), 7),
            (StandardOutputFailure(errno: .noSpace), 7),
            (CommandStream.OutputFailure(path: "/dev/full", errno: .noSpace), 7),
        ]
        for (error, code) in cases {
            let termination = Termination(error: error)
            #expect(termination.status.rawValue == code, "\(error)")
            #expect(standardError(termination) == "pgwalkctl: \(error)\n")
        }
    }

    @Test func anyOtherFailureIsSevenWithItsMessage() {
        struct Odd: Error, CustomStringConvertible { var description: String { "something odd" } }
        let termination = Termination(error: Odd())
        #expect(termination.status.rawValue == 7)
        #expect(standardError(termination) == "pgwalkctl: something odd\n")
    }

    /// A command that has said what happened throws a bare ExitCode: its
    /// status, nothing more printed.
    @Test func aThrownExitCodeIsSilent() {
        #expect(Termination(error: ExitCode(1)) == Termination(status: .mismatch, message: nil))
        #expect(Termination(error: ExitCode(.failure)).status.rawValue == 7)
        #expect(Termination(error: ExitCode.success) == .success)
    }

    @Test func usageErrorsAreTwoWithTheUsage() throws {
        for arguments in [["verify", "--pid", "0"], ["walk", "--no-such-option"], ["nosuchcommand"],
                          ["walk", "--depth", "2", "--pid", "1"]] {
            let termination = ending(arguments)
            #expect(termination.status.rawValue == 2, "\(arguments)")
            let text = try #require(standardError(termination), "\(arguments)")
            #expect(text.hasPrefix("Error: "), "\(arguments)")
            #expect(text.contains("Usage: "), "\(arguments)")
        }
        #expect(standardError(ending(["verify", "--pid", "0"]))?.contains("--pid must be a positive process id") == true)
        // Thrown from run(), as diff and selftest do.
        let late = Termination(error: ValidationError("Cannot compare the walks."))
        #expect(late.status.rawValue == 2)
        #expect(standardError(late)?.hasPrefix("Error: Cannot compare the walks.\n") == true)
    }

    @Test func helpAndVersionAreZeroOnStandardOutput() throws {
        let help = ending(["--help"], run: true)
        #expect(help.status.rawValue == 0)
        guard case .standardOutput(let text)? = help.message else { Issue.record("no help text: \(help)"); return }
        #expect(text.contains("Exit codes: 0 all pages match"))
        #expect(ending(["--version"]) == Termination(status: .success,
                                                      message: .standardOutput(PgwalkKitVersion.string + "\n")))
        #expect(Termination(error: CleanExit.message("listed")) == Termination(status: .success,
                                                                               message: .standardOutput("listed\n")))
        #expect(ending(["verify", "--help"], run: true).status.rawValue == 0)
    }
}
