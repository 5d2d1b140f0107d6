import SystemPackage
import Testing
@testable import PgwalkKit

/// The text request, the info file parser and the errno classification of
/// docs/FORMAT.md section 2.
@Suite struct ModuleClientTests {
    @Test func requestText() {
        #expect(WalkRequest(pid: 42).text == "pid=42\n")
        #expect(WalkRequest(pid: 7, start: 0x1000, end: 0x7fff_f000, trace: true).text
            == "pid=7 start=0x1000 end=0x7ffff000 trace\n")
    }

    @Test func infoFileParsing() {
        let info = ModuleInfo(parsing: "module_version: 1.0.0\nformat_version: 1\npaging_levels:  5\nbad line\n")
        #expect(info["module_version"] == "1.0.0")
        #expect(info.formatVersion == 1)
        #expect(info.pagingLevels == 5)
        #expect(info["missing"] == nil)
        #expect(info.fields.count == 3)
    }

    @Test(arguments: [
        (Errno.noSuchFileOrDirectory, ModuleError.Kind.notLoaded),
        (.permissionDenied, .permissionDenied),
        (.noSuchProcess, .noSuchProcess),
        (.noSuchAddressOrDevice, .kernelThread),
        (.invalidArgument, .invalidRequest),
        (.outOfRange, .invalidRequest),
        (.argListTooLong, .invalidRequest),
        (.resourceBusy, .io),
    ])
    func errnoClassification(errno: Errno, kind: ModuleError.Kind) {
        #expect(ModuleError.from(errno, operation: "request", pid: 1).kind == kind)
    }

    @Test func requestTextWithSeq() {
        #expect(WalkRequest(pid: 9, seq: true).text == "pid=9 seq\n")
        #expect(WalkRequest(pid: 9, trace: true, seq: true).text == "pid=9 trace seq\n")
    }

    /// EINVAL for a request with `seq` from a module whose info file does
    /// not list it (a module from before PTE_SEQ has no `request_tokens`
    /// key at all) names the token, not the range.
    @Test func aModuleOlderThanTheClientIsNamedAsSuch() {
        let old = ModuleInfo(parsing: "module_version: 1.0.0\nformat_version: 1\n")
        let current = ModuleInfo(parsing: "format_version: 1\nrequest_tokens: pid start end trace seq\n")
        let seq = WalkRequest(pid: 5, seq: true)
        let error = ModuleError.rejected(seq, errno: .invalidArgument, info: old)
        #expect(error.kind == .tokenUnsupported)
        #expect(error.token == "seq")
        #expect(error.description.contains("--no-seq"))
        // Everything else stays as the errno says.
        #expect(ModuleError.rejected(seq, errno: .invalidArgument, info: current).kind == .invalidRequest)
        #expect(ModuleError.rejected(seq, errno: .invalidArgument, info: nil).kind == .invalidRequest)
        #expect(ModuleError.rejected(WalkRequest(pid: 5, trace: true), errno: .invalidArgument, info: old).kind
            == .invalidRequest)
        #expect(ModuleError.rejected(seq, errno: .noSuchProcess, info: old).kind == .noSuchProcess)
    }

    @Test func notLoadedMessageSaysHowToLoad() {
        let error = ModuleError.from(.noSuchFileOrDirectory, operation: "open", pid: 1)
        #expect(error.description.contains("sudo make load"))
    }

    @Test func missingModuleIsReportedNotCrashed() {
        let paths = ModulePaths(directory: "/nonexistent/pgwalk")
        #expect(throws: ModuleError.self) { _ = try WalkSession(request: WalkRequest(pid: 1), paths: paths) }
        #expect(throws: ModuleError.self) { _ = try ModuleInfo.read(paths: paths) }
    }
}
