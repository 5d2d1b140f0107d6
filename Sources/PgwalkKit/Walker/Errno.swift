/// The Linux errno values the walker and the stream use, negated as the
/// kernel returns them.
public enum LinuxErrno {
    /// `-ESRCH`: the target exited.
    public static let noSuchProcess: Int32 = -3
    /// `-EINVAL`: `walk_page_range()` with `start >= end`.
    public static let invalidArgument: Int32 = -22
    /// `-ENOBUFS`: the module's `test_walk` found its buffer full.
    public static let noBufferSpace: Int32 = -105

    /// A short name for a negative errno, e.g. `-ESRCH`, or the number.
    public static func name(_ value: Int64) -> String {
        let names: [Int64: String] = [
            -1: "-EPERM", -3: "-ESRCH", -4: "-EINTR", -5: "-EIO", -12: "-ENOMEM",
            -13: "-EACCES", -14: "-EFAULT", -16: "-EBUSY", -22: "-EINVAL", -105: "-ENOBUFS",
        ]
        return names[value] ?? String(value)
    }
}
