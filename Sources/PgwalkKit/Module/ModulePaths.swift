/// Where the module's files live. debugfs is normally at /sys/kernel/debug;
/// `PGWALK_DEBUGFS` overrides it for unusual mounts.
public struct ModulePaths: Sendable {
    /// The module's debugfs directory.
    public var directory: String

    /// Paths under `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// /sys/kernel/debug/pgwalk, or pgwalk under `PGWALK_DEBUGFS` when set.
    public static var `default`: ModulePaths {
        let debugfs = Environment.value(of: "PGWALK_DEBUGFS") ?? "/sys/kernel/debug"
        return ModulePaths(directory: debugfs + "/pgwalk")
    }

    /// The walk file: a request written, the stream read.
    public var walk: String { directory + "/walk" }
    /// The info file: `key=value` lines about the module and kernel.
    public var info: String { directory + "/info" }
}
