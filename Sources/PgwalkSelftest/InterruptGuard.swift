import PgwalkKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Puts the system back when the selftest is interrupted or exits.
///
/// SIGINT, SIGTERM and SIGHUP are blocked in every thread and taken by a
/// watcher thread with `sigwait`, so the restore runs as ordinary code (it
/// writes sysfs files and runs swapoff: nothing a signal handler may do).
/// The watcher stops the scenario program, restores the journal (closing
/// it), then lets the signal kill the process as it would have, so the
/// caller sees the usual exit status. `atexit` covers every other exit.
package enum InterruptGuard {
    nonisolated(unsafe) private static var journal: SystemSettings?
    nonisolated(unsafe) private static var installed = false
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the watcher (once) and makes `settings` the journal it restores.
    package static func install(restoring settings: SystemSettings) {
        journal = settings
        guard !installed else { return }
        installed = true
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            InterruptGuard.watch()
            return nil
        }, nil)
        pthread_detach(thread)
        atexit {
            InterruptGuard.restoreNow(closing: true)
        }
    }

    /// Restores the journal now and reports what could not be undone.
    package static func restoreNow(closing: Bool) {
        guard let journal else { return }
        for failure in journal.restore(closing: closing) {
            let text = "pgwalkctl selftest: \(failure)\n"
            _ = text.withCString { write(2, $0, strlen($0)) }
        }
    }

    private static func watch() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        let pid = ScenarioProcess.current
        if pid > 0 {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            for _ in 0..<250 where waitpid(pid, &status, WNOHANG) == 0 { usleep(20_000) }
            kill(pid, SIGKILL)
        }
        let text = "pgwalkctl selftest: interrupted (signal \(received)); putting system settings back\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
        restoreNow(closing: true)
        signal(received, SIG_DFL)
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, received)
        pthread_sigmask(SIG_UNBLOCK, &only, nil)
        raise(received)
        _exit(128 + received)
    }
}
