import PgwalkKit

/// A live walk whose END record has a non-zero status: what was printed
/// stops at `walkedTo`. The target exiting (-ESRCH) is exit 5, anything
/// else exit 7 (``Termination``). A saved stream (--input) is shown as it was recorded.
struct WalkEndedEarly: Error, CustomStringConvertible {
    var status: Int32
    var pid: Int32
    var walkedTo: UInt64

    var description: String {
        let place = "the output stops at \(Hex.short(walkedTo))"
        if status == LinuxErrno.noSuchProcess {
            return "pid \(pid) exited (or exec'd) during the walk: \(place)."
        }
        return "the module's walk of pid \(pid) ended with \(LinuxErrno.name(Int64(status))): \(place)."
    }
}
