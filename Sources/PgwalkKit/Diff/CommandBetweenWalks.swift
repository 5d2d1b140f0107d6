#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The command `pgwalkctl diff --pid P -- COMMAND` runs between its two
/// walks: in the foreground, with our stdin and stderr, and its stdout sent
/// to our stderr so that the diff (perhaps JSON) alone goes to stdout.
public enum CommandBetweenWalks {
    /// A command that could not be run or failed.
    public struct Failure: Error, CustomStringConvertible {
        /// The command line.
        public var command: String
        /// How it failed.
        public var reason: String
        public var description: String { "the command between the walks, \(command), \(reason)" }
    }

    /// Runs `arguments` (searched in PATH) and waits for it. Throws when it
    /// cannot be started; returns its exit status (128 + N for signal N).
    public static func run(_ arguments: [String]) throws -> Int32 {
        precondition(!arguments.isEmpty)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, 2, 1)
        var attributes = ChildSpawnAttributes()
        defer { attributes.destroy() }
        var pid: pid_t = 0
        let status = withCStrings(arguments) { argv in
            posix_spawnp(&pid, arguments[0], &actions, &attributes.value, argv, environ)
        }
        guard status == 0 else {
            throw Failure(command: arguments[0], reason: "could not be started: \(String(cString: strerror(status)))")
        }
        var wstatus: Int32 = 0
        while waitpid(pid, &wstatus, 0) < 0 && errno == EINTR {}
        if wstatus & 0x7f == 0 { return (wstatus >> 8) & 0xff }
        return 128 + (wstatus & 0x7f)
    }
}
