import SystemPackage
import Testing
@testable import PgwalkKit

/// The text request, the info file parser and the errno classification of
/// docs/FORMAT.md section 2.
@Suite struct ModuleClientTests {
    @Test func requestText() {
        #expect(WalkRequest(pid: 42, seq: false).text == "pid=42\n")
        #expect(WalkRequest(pid: 7, start: 0x1000, end: 0x7fff_f000, trace: true, seq: false).text
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

    /// Keys and values lose the spaces around them (a tab, a CR before the
    /// newline), keep what is inside them, and a value may hold colons; empty
    /// lines and lines without a colon are no fields, and the last line
    /// needs no newline.
    @Test func infoFileFieldsAreTrimmed() {
        let info = ModuleInfo(parsing: "\n \tkernel_release :\t6.12.117+deb13-amd64 \r\nnote: a: b c\n\nno colon\nempty:\nlast: 1")
        #expect(info.fields.map(\.key) == ["kernel_release", "note", "empty", "last"])
        #expect(info.fields.map(\.value) == ["6.12.117+deb13-amd64", "a: b c", "", "1"])
    }

    /// The call path keys of docs/FORMAT.md section 9, as the module on
    /// Debian's 6.1/6.12/7.3 writes them.
    @Test func callPathKeys() {
        let info = ModuleInfo(parsing: """
            walk_page_range: ftrace
            ptrace_may_access: exported
            walk_page_range_redirects: 17
            ptrace_may_access_redirects: 0
            stub_fallthroughs: 0
            ibt: on

            """)
        #expect(info.walkPageRangePath == .ftrace)
        #expect(info.ptraceMayAccessPath == .exported)
        #expect(info.walkPageRangeRedirects == 17)
        #expect(info.ptraceMayAccessRedirects == 0)
        #expect(info.stubFallthroughs == 0)
        #expect(info["ibt"] == "on")
        // A module from before the ftrace path: kept as written, no counters.
        let old = ModuleInfo(parsing: "walk_page_range: kprobe\nptrace_may_access: kprobe\n")
        #expect(old.walkPageRangePath == .other("kprobe"))
        #expect(old.walkPageRangeRedirects == nil)
        #expect(old.stubFallthroughs == nil)
        #expect(ModuleInfo(parsing: "").walkPageRangePath == nil)
        #expect(ModuleInfo(parsing: "stub_fallthroughs: -1\n").stubFallthroughs == nil)
    }

    @Test func callPathSummary() {
        #expect(CallPath.ftrace.summary(redirects: 12) == "ftrace (12 calls redirected)")
        #expect(CallPath.ftrace.summary(redirects: 1) == "ftrace (1 call redirected)")
        #expect(CallPath.ftrace.summary(redirects: nil) == "ftrace")
        #expect(CallPath.exported.summary(redirects: 0) == "exported")
        #expect(CallPath.other("kprobe").summary(redirects: nil) == "kprobe")
    }

    /// `pgwalkctl info` names the path of each function, and says so when a
    /// stub ran instead of the kernel function.
    @Test func infoTextNamesTheCallPath() {
        func report(_ text: String) -> String {
            SystemReport(kernelRelease: "7.3.4+deb13-amd64", pageSize: 4096, module: ModuleInfo(parsing: text),
                         moduleProblem: nil, pagemapScan: true, pagemapScanCategories: "", pfnsVisible: true,
                         kpageflagsReadable: true).text
        }
        let good = report("""
            walk_page_range: ftrace
            ptrace_may_access: ftrace
            walk_page_range_redirects: 3
            ptrace_may_access_redirects: 1
            stub_fallthroughs: 0
            ibt: off
            """)
        #expect(good.contains("walk_page_range: ftrace (3 calls redirected), "
            + "ptrace_may_access: ftrace (1 call redirected), IBT: off\n"))
        #expect(!good.contains("warning"))
        let bad = report("walk_page_range: ftrace\nptrace_may_access: ftrace\nstub_fallthroughs: 2\nibt: on\n")
        #expect(bad.contains("walk_page_range: ftrace, ptrace_may_access: ftrace, IBT: on\n"))
        #expect(bad.contains("warning: the module's call stubs ran 2 time(s)"))
        let exported = report("walk_page_range: exported\nptrace_may_access: exported\n")
        #expect(exported.contains("walk_page_range: exported, ptrace_may_access: exported, IBT: ?\n"))
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
        #expect(ModuleError.rejected(WalkRequest(pid: 5, trace: true, seq: false), errno: .invalidArgument, info: old).kind
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
