import PgwalkKit
import PgwalkRender
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The progress line of `walk` and `verify`, when ProgressLine's rule says
/// so for this process's standard output and error.
enum Progress {
    /// `end` is only worked out when the line is shown: the running
    /// kernel's address limit reads the module's info file.
    static func line(label: String, end: @autoclosure () -> UInt64, machineReadable: Bool) -> ProgressLine? {
        guard ProgressLine.shouldShow(standardOutputIsTerminal: isatty(1) == 1, standardErrorIsTerminal: isatty(2) == 1,
                                      machineReadable: machineReadable) else { return nil }
        var environment: [String: String] = [:]
        if let value = getenv("PGWALK_PROGRESS_AFTER") {
            environment["PGWALK_PROGRESS_AFTER"] = String(cString: value)
        }
        return ProgressLine(label: label, end: end(), after: ProgressLine.delay(environment: environment))
    }
}
