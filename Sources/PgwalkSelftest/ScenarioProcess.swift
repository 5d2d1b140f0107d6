import PgwalkKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One running `pgwalk-scenario NAME`: started with its stdin and stdout on
/// pipes, read until `ready` or `skip`, stopped by closing its stdin (then
/// SIGTERM, then SIGKILL), always reaped.
package final class ScenarioProcess {
    package struct Failed: Error, CustomStringConvertible {
        package var description: String
    }

    package let pid: pid_t
    /// Seconds `stop()` waits after closing stdin, and again after SIGTERM.
    package var graceSeconds: Double = 10
    private var stdinFD: Int32
    private var stdoutFD: Int32
    private var stderrFD: Int32
    private var reaped = false
    private var pending: [UInt8] = []
    private var errorText: [UInt8] = []

    /// The pid of the scenario program running now, for the signal watcher.
    nonisolated(unsafe) static var current: pid_t = 0

    package init(binary: String, scenario: String, environment: [String] = []) throws {
        var toChild: [Int32] = [-1, -1], fromChild: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
        guard makePipe(&toChild), makePipe(&fromChild), makePipe(&errors) else {
            throw Failed(description: "pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        var attributes = ChildSpawnAttributes()
        defer { attributes.destroy() }
        var env: [String] = []
        var p = environ
        while let entry = p.pointee { env.append(String(cString: entry)); p += 1 }
        env += environment
        var pid: pid_t = 0
        var status: Int32 = 0
        // ETXTBSY is transient: a file just written (a fresh build, a test's
        // script) can still be open for writing in a child that another
        // thread forked meanwhile, until that child execs. Try again briefly.
        for attempt in 0..<20 {
            status = withCStrings([binary, scenario]) { argv in
                withCStrings(env) { envp in posix_spawn(&pid, binary, &actions, &attributes.value, argv, envp) }
            }
            guard status == ETXTBSY, attempt < 19 else { break }
            usleep(25_000)
        }
        close(toChild[0]); close(fromChild[1]); close(errors[1])
        guard status == 0 else {
            close(toChild[1]); close(fromChild[0]); close(errors[0])
            throw Failed(description: "could not start \(binary): \(String(cString: strerror(status))); "
                         + "build it with 'swift build -c release --product pgwalk-scenario' or give --scenario-binary")
        }
        self.pid = pid
        self.stdinFD = toChild[1]
        self.stdoutFD = fromChild[0]
        self.stderrFD = errors[0]
        Self.current = pid
    }

    deinit { stop() }

    /// Reads lines into `parser` until the layout is final (ready/skip),
    /// the program exits, or `deadline` (CLOCK_MONOTONIC seconds) passes.
    package func readLayout(into parser: inout ScenarioLayoutParser, deadline: Double) throws {
        while !parser.isFinished {
            let left = deadline - Clock.now
            guard left > 0 else {
                throw Failed(description: "no 'ready' within the time limit (set-up hung?)")
            }
            var fds = [pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)]
            let n = poll(&fds, 2, Int32(min(left, 1) * 1000) + 1)
            if n < 0 && errno == EINTR { continue }
            if fds[1].revents != 0 { _ = drain(stderrFD, into: &errorText) }
            guard fds[0].revents != 0 else { continue }
            var chunk: [UInt8] = []
            let open = drain(stdoutFD, into: &chunk)
            pending += chunk
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                do { try parser.consume(line) } catch { throw Failed(description: error.description) }
                if parser.isFinished { return }
            }
            if !open {
                // EOF before ready/skip: the program failed; its stderr says why.
                let status = waitForExit(seconds: 5)
                _ = drain(stderrFD, into: &errorText)
                let message = String(decoding: errorText, as: UTF8.self).trimmingTrailingNewlines
                throw Failed(description: (message.isEmpty ? "pgwalk-scenario ended without 'ready'" : message)
                             + " (exit status \(status.map(String.init) ?? "unknown"))")
            }
        }
    }

    /// Stops the program and reaps it: stdin closed (it cleans up and exits),
    /// then SIGTERM, then SIGKILL. Returns its exit status if it exited.
    @discardableResult
    package func stop() -> Int32? {
        guard !reaped else { return nil }
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
        var status = waitForExit(seconds: graceSeconds)
        if status == nil && !reaped {
            kill(pid, SIGTERM)
            status = waitForExit(seconds: graceSeconds)
        }
        if !reaped {
            kill(pid, SIGKILL)
            status = waitForExit(seconds: 5)
        }
        if stdoutFD >= 0 { close(stdoutFD); stdoutFD = -1 }
        if stderrFD >= 0 { close(stderrFD); stderrFD = -1 }
        if Self.current == pid { Self.current = 0 }
        return status
    }

    /// What the program printed on stderr so far.
    package var standardError: String { String(decoding: errorText, as: UTF8.self).trimmingTrailingNewlines }

    private func waitForExit(seconds: Double) -> Int32? {
        let deadline = Clock.now + seconds
        while true {
            var wstatus: Int32 = 0
            let r = waitpid(pid, &wstatus, WNOHANG)
            if r == pid {
                reaped = true
                return wstatus & 0x7f == 0 ? (wstatus >> 8) & 0xff : -(wstatus & 0x7f)
            }
            if r < 0 && errno != EINTR { reaped = true; return nil }
            if Clock.now >= deadline { return nil }
            usleep(20_000)
        }
    }

    /// Reads what is available without blocking long; false at EOF.
    private func drain(_ fd: Int32, into bytes: inout [UInt8]) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n > 0 { bytes += buffer[0..<n]; return true }
        return n < 0 && errno == EINTR
    }
}

/// CLOCK_MONOTONIC in seconds.
enum Clock {
    static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
