import ArgumentParser
import PgwalkKit
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The exit codes of pgwalkctl, documented in README.md and `--help`.
/// Scripts rely on them: change none.
enum ExitStatus: Int32 {
    case success = 0
    /// `verify` found mismatches that persisted after a re-check.
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

    init(for error: Error) {
        switch error {
        case let exit as ExitCode:
            self = exit.rawValue == 0 ? .success : (ExitStatus(rawValue: exit.rawValue) ?? .failure)
        case is ValidationError, is CleanExit:
            self = .usage
        case let module as ModuleError:
            switch module.kind {
            case .notLoaded: self = .moduleNotLoaded
            case .permissionDenied: self = .permissionDenied
            case .noSuchProcess: self = .noSuchProcess
            case .lockedDown: self = .lockedDown
            case .versionMismatch: self = .versionMismatch
            case .invalidRequest, .tokenUnsupported, .kernelThread, .io: self = .failure
            }
        default:
            if let classified = ExitStatus.classify(error) {
                self = classified
            } else if PgwalkCtl.exitCode(for: error) == .validationFailure {
                self = .usage
            } else {
                self = .failure
            }
        }
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

extension ExitStatus {
    /// Library errors that map to a documented code.
    static func classify(_ error: Error) -> ExitStatus? {
        switch error {
        case let stream as StreamDecodingError:
            if case .unsupportedVersion = stream.reason { return .versionMismatch }
            return .badStream
        case let load as LoadError:
            return load.needsRoot ? .permissionDenied : .failure
        case let verify as VerifyError:
            if case let .walkEnded(status, _) = verify, status == LinuxErrno.noSuchProcess { return .noSuchProcess }
            return .failure
        case let procfs as ProcfsError:
            switch procfs.reason {
            case .processGone: return .noSuchProcess
            case .permissionDenied: return .permissionDenied
            default: return .failure
            }
        case is MismatchesFound:
            return .mismatch
        case let early as WalkEndedEarly:
            return early.exitStatus
        default:
            return nil
        }
    }
}

/// Thrown by `verify` after printing its report, when mismatches persisted.
struct MismatchesFound: Error, CustomStringConvertible {
    var count: UInt64
    var description: String {
        "\(count) page(s) differ between the module's walk and /proc/PID/pagemap after a re-check."
    }
}

enum Process {
    static func exit(_ code: Int32) -> Never {
        Glibc.exit(code)
    }
}
