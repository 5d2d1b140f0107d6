#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import Testing
@testable import PgwalkKit

/// The lockdown file, the version check and the errors they lead to
/// (issue 14: Secure Boot said plainly; versions that must agree).
@Suite struct InstallChecksTests {
    @Test func lockdownLevelIsTheBracketedWord() {
        #expect(KernelLockdown(parsing: "[none] integrity confidentiality\n") == .none)
        #expect(KernelLockdown(parsing: "none [integrity] confidentiality\n") == .integrity)
        #expect(KernelLockdown(parsing: "none integrity [confidentiality]\n") == .confidentiality)
        #expect(KernelLockdown(parsing: "") == .unknown)
        #expect(KernelLockdown(parsing: "none integrity\n") == .unknown)
        #expect(KernelLockdown.integrity.isActive && KernelLockdown.confidentiality.isActive)
        #expect(!KernelLockdown.none.isActive && !KernelLockdown.unknown.isActive)
    }

    /// EPERM from opening the walk file is lockdown's only while the kernel
    /// is locked down; otherwise, and for a request's EPERM, it stays a
    /// permission error.
    @Test func epermOnOpenUnderLockdownIsLockdown() {
        let locked = ModuleError.from(.notPermitted, operation: "open", pid: 7, lockdown: .integrity)
        #expect(locked.kind == .lockedDown)
        #expect(locked.description.contains("lockdown=integrity"))
        #expect(locked.description.contains("MOK-enrolled key"))
        #expect(locked.description.contains("turn lockdown off"))
        #expect(ModuleError.from(.notPermitted, operation: "open", pid: 7, lockdown: .none).kind == .permissionDenied)
        #expect(ModuleError.from(.notPermitted, operation: "request", pid: 7, lockdown: .integrity).kind
            == .permissionDenied)
        #expect(ModuleError.from(.permissionDenied, operation: "open", pid: 7, lockdown: .integrity).kind
            == .permissionDenied)
    }

    @Test func notLoadedNamesTheLoadCommand() {
        let error = ModuleError.from(.noSuchFileOrDirectory, operation: "open", pid: 1, lockdown: .none)
        #expect(error.description.contains("'sudo pgwalkctl load'"))
    }

    @Test func versionsAgreeOnTheFormatNotTheRelease() {
        let same = VersionCheck(toolVersion: "1.0.0", readsFormat: 1, moduleVersion: "1.0.0", moduleFormat: 1)
        #expect(same.verdict == .agree && same.problem == nil)
        let otherRelease = VersionCheck(toolVersion: "1.0.0", readsFormat: 1, moduleVersion: "1.2.0", moduleFormat: 1)
        #expect(otherRelease.verdict == .agree)
        #expect(otherRelease.summary.contains("module 1.2.0, pgwalkctl 1.0.0"))
        let new = VersionCheck(toolVersion: "1.0.0", readsFormat: 1, moduleVersion: "2.0.0", moduleFormat: 2)
        #expect(new.verdict == .moduleTooNew)
        #expect(new.problem?.contains("too new") == true)
        #expect(new.problem?.contains("pgwalk module 2.0.0 writes stream format 2, pgwalkctl 1.0.0 reads format 1") == true)
        let old = VersionCheck(toolVersion: "1.0.0", readsFormat: 2, moduleVersion: "1.0.0", moduleFormat: 1)
        #expect(old.verdict == .moduleTooOld)
        #expect(old.problem?.contains("too old") == true)
        #expect(VersionCheck(moduleVersion: "x", moduleFormat: nil).verdict == .unknown)
        #expect(throws: ModuleError.self) { try new.require() }
        #expect(throws: Never.self) { try same.require() }
    }

    /// A walk against a module of another format fails before the walk
    /// file is opened, with the versions.
    @Test func walkSessionRefusesAModuleOfAnotherFormat() throws {
        let dir = "/tmp/pgwalk-versiontest-\(getpid())"
        _ = dir.withCString { mkdir($0, 0o755) }
        defer { _ = dir.withCString { rmdir($0) } }
        let info = dir + "/info"
        let fd = try FileDescriptor.open(FilePath(info), .writeOnly, options: [.create, .truncate],
                                         permissions: [.ownerReadWrite])
        _ = try fd.writeAll("module_version: 3.0.0\nformat_version: 3\n".utf8)
        try fd.close()
        defer { _ = info.withCString { unlink($0) } }
        do {
            _ = try WalkSession(request: WalkRequest(pid: 1), paths: ModulePaths(directory: dir))
            Issue.record("a module of format 3 was accepted")
        } catch let error as ModuleError {
            #expect(error.kind == .versionMismatch)
            #expect(error.description.contains("too new"))
            #expect(error.description.contains("pgwalk module 3.0.0 writes stream format 3"))
        }
    }
}
