/// Where the module's files live. debugfs is normally at /sys/kernel/debug;
/// `PGWALK_DEBUGFS` overrides it for unusual mounts.
public struct ModulePaths: Sendable {
    public var directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public static var `default`: ModulePaths {
        let debugfs = Environment.value(of: "PGWALK_DEBUGFS") ?? "/sys/kernel/debug"
        return ModulePaths(directory: debugfs + "/pgwalk")
    }

    public var walk: String { directory + "/walk" }
    public var info: String { directory + "/info" }
}
