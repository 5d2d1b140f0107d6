#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CPgwalkShims
import SystemPackage

/// Holds a target process still (SIGSTOP) while its page tables are read,
/// and always lets it go again (SIGCONT).
///
/// Resuming happens on `resume()`, at deinit (so on any scope exit and any
/// thrown error), and, through a C signal handler, when pgwalk itself dies
/// of SIGINT, SIGTERM, SIGHUP, SIGQUIT or a crash signal: the handler
/// continues every frozen target, then lets the signal do what it would
/// have done.
///
/// A target that is already stopped (state T or t in /proc/PID/stat) when
/// the freezer is created belongs to someone else — a shell's job control,
/// a debugger: it is left alone and never continued by us
/// (`wasAlreadyStopped`).
///
/// SIGSTOP stops every thread, but not at once: the initializer waits until
/// /proc/PID/task/*/stat shows each thread stopped.
public final class ProcessFreezer {
    /// The process held.
    public let pid: pid_t
    /// The target was stopped before we came; we sent it nothing and will
    /// send it nothing.
    public let wasAlreadyStopped: Bool
    /// True from a successful freeze until `resume()`.
    public private(set) var isHeldByUs: Bool

    private var slot: Int32 = -1
    private var pidfd: Int32 = -1

    /// Stops `pid` and waits (up to `timeout`) until all its threads are
    /// stopped.
    ///
    /// Throws `ProcfsError`: `.cannotFreezeSelf` for our own pid,
    /// `.processGone`, `.permissionDenied` (EPERM from kill), `.didNotStop`
    /// after `timeout` (the target has been continued again by then).
    public init(pid: pid_t, timeout: Duration = .seconds(5)) throws {
        guard pid != getpid() else {
            throw ProcfsError(.cannotFreezeSelf, operation: "freeze pid \(pid)")
        }
        self.pid = pid
        if pgwalk_freezer_install_signal_handlers() != 0 {
            throw ProcfsError(.systemCall, errno: Errno(rawValue: errno), operation: "sigaction")
        }
        let state = try ProcessRunState.read(pid: pid)
        if state.hasExited {
            throw ProcfsError(.processGone, path: FilePath("/proc/\(pid)/stat"), operation: "freeze")
        }
        if state.isStopped {
            wasAlreadyStopped = true
            isHeldByUs = false
            return
        }
        wasAlreadyStopped = false
        isHeldByUs = false

        pidfd = pgwalk_pidfd_open(pid)  // -1 on kernels before 5.3: kill(2) is used instead
        slot = pgwalk_freezer_register(pid, pidfd)
        if slot < 0 {
            releaseBookkeeping()
            throw ProcfsError(.tooManyFrozen, errno: Errno(rawValue: errno), operation: "freeze pid \(pid)")
        }
        // Registered before the signal is sent: a Ctrl-C from here on resumes it.
        if let error = send(SIGSTOP) {
            releaseBookkeeping()
            throw ProcfsError.fromSystemCall(error, operation: "kill(SIGSTOP)", path: nil, perProcess: true)
        }
        isHeldByUs = true

        do {
            try waitUntilStopped(timeout: timeout)
        } catch {
            try? resume()
            throw error
        }
    }

    /// Stops the process of `target` (which must not be `.current`).
    public convenience init(_ target: ProcTarget, timeout: Duration = .seconds(5)) throws {
        guard case .process(let pid) = target else {
            throw ProcfsError(.cannotFreezeSelf, operation: "freeze self")
        }
        try self.init(pid: pid, timeout: timeout)
    }

    deinit {
        try? resume()
        releaseBookkeeping()
    }

    /// Continues the target if we stopped it; does nothing otherwise (also
    /// when called again). A target that exited meanwhile is not an error.
    public func resume() throws {
        guard isHeldByUs else { return }
        isHeldByUs = false
        let error = send(SIGCONT)
        releaseBookkeeping()
        if let error, error != .noSuchProcess {
            throw ProcfsError.fromSystemCall(error, operation: "kill(SIGCONT)", path: nil, perProcess: true)
        }
    }

    /// Runs `body` with `pid` frozen and resumes it afterwards, whether
    /// `body` returns or throws.
    public static func withFrozen<R>(
        pid: pid_t, timeout: Duration = .seconds(5), _ body: (ProcessFreezer) throws -> R
    ) throws -> R {
        let freezer = try ProcessFreezer(pid: pid, timeout: timeout)
        let result: R
        do {
            result = try body(freezer)
        } catch {
            try? freezer.resume()
            throw error
        }
        try freezer.resume()
        return result
    }

    // MARK: - Internals

    /// Sends `signal` through the pidfd (immune to pid reuse) or kill(2).
    private func send(_ signal: Int32) -> Errno? {
        if pidfd >= 0 {
            if pgwalk_pidfd_send_signal(pidfd, signal) == 0 { return nil }
            let error = Errno(rawValue: errno)
            if error != .noFunction { return error }
        }
        return kill(pid, signal) == 0 ? nil : Errno(rawValue: errno)
    }

    private func releaseBookkeeping() {
        if slot >= 0 {
            pgwalk_freezer_unregister(slot)
            slot = -1
        }
        if pidfd >= 0 {
            Glibc.close(pidfd)
            pidfd = -1
        }
    }

    /// Polls until every thread is stopped (T, or t under a tracer).
    private func waitUntilStopped(timeout: Duration) throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let threads = try ProcessRunState.readThreads(pid: pid)
            if threads.isEmpty || threads.values.allSatisfy(\.hasExited) {
                throw ProcfsError(.processGone, path: FilePath("/proc/\(pid)/task"), operation: "freeze")
            }
            if threads.values.allSatisfy({ $0.isStopped || $0.hasExited }) { return }
            if clock.now >= deadline {
                throw ProcfsError(.didNotStop, path: FilePath("/proc/\(pid)/task"), operation: "freeze")
            }
            usleep(500)
        }
    }
}
