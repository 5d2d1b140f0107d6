#if canImport(Glibc)
import Glibc
#endif
import PgwalkKit
import SystemPackage
import Testing

/// End-to-end checks that need a second copy of this binary: a freezer's
/// owner dying of Ctrl-C/SIGTERM resumes the target, and an unprivileged
/// reader gets `.permissionDenied` with the kernel's errno.
@Suite struct ProcfsSignalAndPrivilegeTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func dyingOwnerResumesTheTarget(signal: Int32) throws {
        let target = try ProcfsChildProcess.sleeper()
        #expect(target.waitForState { $0 == "S" } == "S")
        let helper = try ProcfsHelperProcess(mode: "freeze", target: target.pid)
        let report = helper.waitForReport(containing: "frozen")
        try #require(report.contains("frozen true"), "helper said: \(report)")
        #expect(target.stateLetter() == "T", "the helper froze it")

        kill(helper.pid, signal)
        let status = helper.waitForExit()
        // Died of that very signal (the handler re-raised it) ...
        #expect(status & 0x7f == signal, "wait status \(status)")
        // ... after continuing the target.
        #expect(target.waitForState { $0 != "T" } != "T")
    }

    @Test(.enabled(if: ProcfsTestSupport.isRoot, "needs root to drop to nobody"))
    func unprivilegedReaderIsDenied() throws {
        let target = try ProcfsChildProcess.sleeper()  // owned by root
        let helper = try ProcfsHelperProcess(mode: "unprivileged", target: target.pid)
        let report = helper.waitForReport(containing: "done")
        let status = helper.waitForExit()
        #expect(status == 0, "helper report: \(report)")
        let lines = Set(report.split(separator: "\n").map(String.init))
        #expect(lines.contains("maps permissionDenied \(EACCES)"), "\(report)")
        #expect(lines.contains("pagemap permissionDenied \(EACCES)"), "\(report)")
        #expect(lines.contains("kpageflags permissionDenied \(EACCES)"), "\(report)")
        #expect(lines.contains("freeze permissionDenied \(EPERM)"), "\(report)")
        #expect(target.stateLetter() != "T")
    }
}
