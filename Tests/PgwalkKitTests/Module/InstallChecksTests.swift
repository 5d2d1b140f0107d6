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

    /// A walk against a module of another format fails at the stream's
    /// header, with the versions from the info file, which a session reads
    /// only then (docs/BENCH.md, change 21).
    @Test func walkSessionRefusesAModuleOfAnotherFormat() throws {
        let outcome = try FakeModule.decodeHeader(info: "module_version: 3.0.0\nformat_version: 3\n", streamVersion: 3)
        let module = try #require(outcome.failure as? ModuleError, "a module of format 3: \(outcome)")
        #expect(module.kind == .versionMismatch)
        #expect(module.description.contains("too new"))
        #expect(module.description.contains("pgwalk module 3.0.0 writes stream format 3"))
    }

    /// A header this client cannot read, from a module whose info file
    /// agrees on the format, is reported as the stream's own error.
    @Test func aBadHeaderFromAnAgreeingModuleStaysAStreamError() throws {
        let info = "module_version: \(PgwalkKitVersion.string)\nformat_version: \(StreamHeader.supportedVersion)\n"
        let outcome = try FakeModule.decodeHeader(info: info, streamVersion: 3)
        let stream = try #require(outcome.failure as? StreamDecodingError, "a stream of format 3: \(outcome)")
        #expect(stream.reason == .unsupportedVersion(3))
    }

    /// The stream of a module of this format decodes.
    @Test func aStreamOfThisFormatDecodes() throws {
        let info = "module_version: 9.9.9\nformat_version: \(StreamHeader.supportedVersion)\n"
        let outcome = try FakeModule.decodeHeader(info: info, streamVersion: StreamHeader.supportedVersion)
        #expect(try outcome.get().version == StreamHeader.supportedVersion)
    }
}

extension Result {
    /// The error of a failure; nil for a success.
    var failure: Failure? {
        if case let .failure(error) = self { return error }
        return nil
    }
}

/// A module's debugfs directory faked in /tmp: an info file, and a walk file
/// holding a stream of the given format version. The session's request is
/// written at the start of the regular file, so the stream follows that many
/// bytes of padding and the read finds it where the write left off.
enum FakeModule {
    /// The header a session's ``WalkSession/decoder()`` reads from the fake
    /// module, or what it throws.
    static func decodeHeader(info: String, streamVersion: UInt16) throws -> Result<StreamHeader, any Error> {
        var outcome: Result<StreamHeader, any Error>!
        try with(info: info, streamVersion: streamVersion) { paths in
            let session = try WalkSession(request: WalkRequest(pid: 1), paths: paths)
            defer { try? session.close() }
            outcome = Result { try session.decoder().header }
        }
        return outcome
    }

    static func with(info: String, streamVersion: UInt16, _ body: (ModulePaths) throws -> Void) throws {
        // A directory of its own per call: tests run in parallel, and two
        // fakes whose names were built from their contents once shared one.
        var template = Array("/tmp/pgwalk-versiontest-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw Errno(rawValue: errno) }
        let dir = String(cString: template)
        defer { _ = dir.withCString { rmdir($0) } }
        let paths = ModulePaths(directory: dir)
        try write(Array(info.utf8), to: paths.info)
        defer { _ = paths.info.withCString { unlink($0) } }
        var stream = StreamFixture.stream(StreamFixture.header(), [StreamFixture.vma(0x40_0000, 0x60_0000)])
        withUnsafeBytes(of: streamVersion.littleEndian) { stream.replaceSubrange(8..<10, with: $0) }
        let padding = [UInt8](repeating: 0, count: WalkRequest(pid: 1).text.utf8.count)
        try write(padding + stream, to: paths.walk)
        defer { _ = paths.walk.withCString { unlink($0) } }
        try body(paths)
    }

    private static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .truncate],
                                         permissions: [.ownerReadWrite])
        defer { try? fd.close() }
        _ = try fd.writeAll(bytes)
    }
}
