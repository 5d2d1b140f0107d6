#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Child-process plumbing shared by the library's command runner and the
// selftest's scenario processes (package access: PgwalkSelftest uses it).

/// posix_spawn attributes for children of the selftest: the signals the
/// selftest blocks (to handle them on its watcher thread) are unblocked and
/// reset to their default action in the child.
package struct ChildSpawnAttributes {
    package var value = posix_spawnattr_t()

    package init() {
        posix_spawnattr_init(&value)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&value, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&value, &defaults)
        posix_spawnattr_setflags(&value, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    }

    package mutating func destroy() { posix_spawnattr_destroy(&value) }
}

/// Calls `body` with a NULL-terminated argv built from `strings`.
package func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for p in pointers { free(p) } }
    return body(pointers)
}

extension String {
    package var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// pipe(2) with both ends close-on-exec, so that no child inherits another's
/// pipe (a stdin that never reaches EOF would keep a scenario alive).
package func makePipe(_ fds: inout [Int32]) -> Bool {
    guard pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return true
}
