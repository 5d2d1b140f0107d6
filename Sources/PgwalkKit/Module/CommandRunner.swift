#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs the system tools the selftest set-up needs (modprobe, mkswap,
/// swapon, swapoff, rmmod). A protocol so that the settings journal can be
/// tested without touching the machine.
public protocol CommandRunner: Sendable {
    /// Runs `arguments` (searched in PATH) and returns its exit status
    /// (-1 if it could not run or died of a signal) and what it printed.
    func run(_ arguments: [String]) -> (status: Int32, output: String)
}

/// posix_spawn with stdin from /dev/null and stdout+stderr captured.
public struct SpawnedCommandRunner: CommandRunner {
    /// A runner that spawns real processes.
    public init() {}

    /// Runs `arguments` (searched in PATH); its exit status and output.
    public func run(_ arguments: [String]) -> (status: Int32, output: String) {
        var pipeFDs: [Int32] = [-1, -1]
        guard makePipe(&pipeFDs) else { return (-1, "pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        var attributes = ChildSpawnAttributes()
        defer { attributes.destroy() }
        var pid: pid_t = 0
        let status = withCStrings(arguments) { argv in
            posix_spawnp(&pid, arguments[0], &actions, &attributes.value, argv, environ)
        }
        close(pipeFDs[1])
        defer { close(pipeFDs[0]) }
        guard status == 0 else {
            return (-1, "\(arguments[0]): \(String(cString: strerror(status)))")
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(pipeFDs[0], $0.baseAddress, $0.count) }
            if n > 0 { output += buffer[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        var wstatus: Int32 = 0
        while waitpid(pid, &wstatus, 0) < 0 && errno == EINTR {}
        let exited = wstatus & 0x7f == 0
        let text = String(decoding: output, as: UTF8.self)
        return (exited ? (wstatus >> 8) & 0xff : -1, text.trimmingTrailingNewlines)
    }
}
