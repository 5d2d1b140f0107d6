import ArgumentParser
import SystemPackage

/// The exit codes of pgwalkctl, documented in README.md, docs/JSON.md and
/// `--help`. Scripts rely on them: change none. ``Termination`` is the one
/// place an outcome becomes one of them.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    /// `verify` found mismatches that persisted after a re-check; `conform`'s
    /// replay differs; a `selftest` scenario failed.
    case mismatch = 1
    case usage = 2
    /// The module is not loaded or debugfs is not mounted.
    case moduleNotLoaded = 3
    case permissionDenied = 4
    case noSuchProcess = 5
    /// The stream was truncated or corrupt.
    case badStream = 6
    /// Any other failure (I/O, a kernel thread, a rejected range).
    case failure = 7
    /// The kernel is locked down (Secure Boot): debugfs refuses the walk
    /// file, or an unsigned module did not load.
    case lockedDown = 8
    /// The loaded module or a saved stream is of another format version
    /// than this pgwalkctl reads: too new or too old.
    case versionMismatch = 9

    static let summary = "0 all pages match, 1 persistent mismatches, 2 usage error, "
        + "3 module not loaded, 4 permission denied, 5 no such process, "
        + "6 corrupt or truncated stream, 7 other failure, 8 kernel locked down (Secure Boot), "
        + "9 module or stream too new or too old for this pgwalkctl."
}

extension ExitCode {
    /// The `ExitCode` a command throws when it has already said what
    /// happened (its report, its table) and only the status is left.
    init(_ status: ExitStatus) {
        self.init(status.rawValue)
    }
}

/// Writes to the standard streams through swift-system.
enum FileStream {
    case standardOutput, standardError

    func write(_ text: String) {
        let fd: FileDescriptor = self == .standardOutput ? .standardOutput : .standardError
        // A closed pipe (| head) is not worth an error.
        _ = try? fd.writeAll(text.utf8)
    }
}
