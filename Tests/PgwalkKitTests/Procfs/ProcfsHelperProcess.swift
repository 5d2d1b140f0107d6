#if canImport(Glibc)
import Glibc
#endif
import PgwalkKit
import SystemPackage
import Testing

/// Runs a copy of this test binary as a helper process, for what cannot be
/// tested inside the test process itself: dying of SIGINT with a target
/// frozen, reading /proc as an unprivileged user, and clearing soft-dirty
/// bits (clear_refs acts on every mapping of a process, so in the test
/// process it would clear them under tests running in parallel).
///
/// The child runs only `ProcfsHelperProcessEntry` (below), told what to do
/// by environment variables, and reports on file descriptor 3.
final class ProcfsHelperProcess {
    static let modeVariable = "PGWALK_PROCFS_HELPER"
    static let targetVariable = "PGWALK_PROCFS_TARGET"
    static let reportDescriptor: Int32 = 3

    let pid: pid_t
    private let reportRead: Int32
    private var reaped = false
    private var report: [UInt8] = []

    init(mode: String, target: pid_t) throws {
        // Close-on-exec, and numbered above the report descriptor, so that
        // neither end leaks into other children (tests run in parallel) and
        // dup2 onto descriptor 3 never lands on one of them.
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw Errno(rawValue: errno) }
        let readEnd = fcntl(pipeFDs[0], F_DUPFD_CLOEXEC, 10)
        let writeEnd = fcntl(pipeFDs[1], F_DUPFD_CLOEXEC, 10)
        close(pipeFDs[0])
        close(pipeFDs[1])
        guard readEnd >= 0, writeEnd >= 0 else { throw Errno(rawValue: errno) }
        reportRead = readEnd
        defer { close(writeEnd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, writeEnd, Self.reportDescriptor)
        // Keep the helper's own test output out of ours.
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

        let executable = try Self.testExecutable()
        let arguments = [executable, "--testing-library", "swift-testing", "--filter", "ProcfsHelperProcessEntry"]
        var environment = [ "\(Self.modeVariable)=\(mode)", "\(Self.targetVariable)=\(target)" ]
        var index = 0
        while let entry = environ[index] {
            environment.append(String(cString: entry))
            index += 1
        }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw Errno(rawValue: result) }
        pid = child
    }

    deinit {
        if !reaped { kill(pid, SIGKILL); _ = waitForExit() }
        close(reportRead)
    }

    static func testExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { throw Errno(rawValue: errno) }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reads the report until `token` appears or the helper closes it
    /// (within `seconds`). Returns everything reported so far.
    func waitForReport(containing token: String, seconds: Int32 = 60) -> String {
        var pollfd = pollfd(fd: reportRead, events: Int16(POLLIN), revents: 0)
        var chunk = [UInt8](repeating: 0, count: 512)
        while !String(decoding: report, as: UTF8.self).contains(token) {
            guard poll(&pollfd, 1, seconds * 1000) > 0 else { break }
            let count = read(reportRead, &chunk, chunk.count)
            if count <= 0 { break }
            report += chunk.prefix(count)
        }
        return String(decoding: report, as: UTF8.self)
    }

    /// Waits for the helper to end; returns the raw wait status.
    func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
        return status
    }
}

/// The helper's side. Skipped in a normal run; a helper process runs only
/// this test.
@Suite struct ProcfsHelperProcessEntry {
    static var mode: String? { getenv(ProcfsHelperProcess.modeVariable).map { String(cString: $0) } }

    static func report(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(ProcfsHelperProcess.reportDescriptor, $0.baseAddress, $0.count) }
    }

    /// Four pages written, soft-dirty bits cleared, one written again: per
    /// step a line of 4 characters, "1" soft-dirty, "0" not, "-" absent.
    static func softDirtySequence() -> String {
        func bits(_ entries: [PagemapEntry]) -> String {
            String(entries.map { !$0.isPresent ? "-" : $0.isSoftDirty ? "1" : "0" })
        }
        do {
            let probe = try ProcfsFencedMapping(pages: 1)
            probe.write(page: 0)
            let reader = try PagemapReader(.current)
            guard try reader.entry(at: probe.address).isSoftDirty else { return "no soft-dirty" }
            let region = try ProcfsFencedMapping(pages: 4)
            for page in 0..<4 { region.write(page: page) }
            let written = bits(try reader.entries(in: region.range))
            try ProcfsTestSupport.clearRefs("4")
            let cleared = bits(try reader.entries(in: region.range))
            region.write(page: 2)
            let after = bits(try reader.entries(in: region.range))
            return "written \(written)\ncleared \(cleared)\nafter \(after)"
        } catch {
            return "error \(error)"
        }
    }

    @Test(.enabled(if: mode != nil, "runs only inside a helper process"))
    func helperMain() throws {
        let target = pid_t(String(cString: getenv(ProcfsHelperProcess.targetVariable)))!
        switch Self.mode {
        case "freeze":
            // Freeze, say so, then wait to be killed by a signal.
            let freezer = try ProcessFreezer(pid: target)
            Self.report("frozen \(freezer.isHeldByUs)")
            while true { pause() }
        case "unprivileged":
            // Become nobody, then try what needs privileges.
            guard setgroups(0, nil) == 0, setgid(65534) == 0, setuid(65534) == 0 else {
                Self.report("setuid failed errno \(errno)")
                _exit(2)
            }
            func attempt(_ name: String, _ body: () throws -> Void) {
                do {
                    try body()
                    Self.report("\(name) succeeded")
                } catch let error as ProcfsError {
                    Self.report("\(name) \(error.reason) \(error.errno?.rawValue ?? 0)")
                } catch {
                    Self.report("\(name) other \(error)")
                }
            }
            attempt("maps") { _ = try ProcessMaps.read(.process(target)) }
            attempt("pagemap") { _ = try PagemapReader(.process(target)) }
            attempt("kpageflags") { _ = try KernelPageFlagsReader() }
            attempt("freeze") { _ = try ProcessFreezer(pid: target) }
            // (The helper's own /proc/self is unreadable now too: changing
            // uid made it non-dumpable, so it cannot show hidden PFNs.)
            Self.report("done")
            _exit(0)
        case "softDirty":
            Self.report(Self.softDirtySequence())
            Self.report("done")
            _exit(0)
        default:
            _exit(3)
        }
    }
}
