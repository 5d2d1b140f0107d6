import PgwalkKit
import PgwalkRender
import SystemPackage

/// Standard output could not be written: a full disk (or another I/O
/// error) fails the command with exit 7. A closed pipe does not: the reader
/// took what it wanted (`| head`), and the rest of the output is dropped.
struct StandardOutputFailure: Error, CustomStringConvertible {
    var errno: Errno

    var description: String {
        "cannot write the output: \(errno.description) (errno \(errno.rawValue)); what was printed is incomplete."
    }

    /// Throws when a command that otherwise succeeded lost output.
    static func check() throws {
        if let errno = TextOutput.standardOutputFailure, errno != .brokenPipe {
            throw StandardOutputFailure(errno: errno)
        }
    }
}
