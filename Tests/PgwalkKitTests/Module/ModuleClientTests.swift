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
