import ArgumentParser
import PgwalkKit

/// How a run of pgwalkctl ends: its exit status and what it says on the way
/// out. `init(error:)` is the one mapping from what a command threw to the
/// documented exit codes (``ExitStatus``); ``PgwalkCtl/main()`` applies it.
///
/// - A thrown `ExitCode` is a command that has already said what happened
///   (conform's report, selftest's table, diff's note): its status, silently.
/// - An error with a documented meaning (the module, the process, the
///   stream, a version) gets its code and `pgwalkctl: <error>` on stderr.
/// - swift-argument-parser's own outcomes are its own: `--help`,
///   `--version` and `CleanExit` print their text and exit 0; a usage error
///   (a `ValidationError`, a bad option) prints the message and usage and
///   exits 2, not the parser's default 64.
/// - Anything else is exit 7 with `pgwalkctl: <error>`.
struct Termination: Equatable {
    /// What is printed before exiting.
    enum Message: Equatable {
        case standardOutput(String)
        case standardError(String)
    }

    var status: ExitStatus
    var message: Message?

    static let success = Termination(status: .success, message: nil)

    init(status: ExitStatus, message: Message?) {
        self.status = status
        self.message = message
    }

    init(error: Error) {
        if let code = error as? ExitCode {
            self.init(status: ExitStatus(rawValue: code.rawValue) ?? .failure, message: nil)
        } else if let status = Self.documentedStatus(of: error) {
            self.init(status: status, message: .standardError("pgwalkctl: \(error)\n"))
        } else {
            switch PgwalkCtl.exitCode(for: error) {
            case .success:
                let text = PgwalkCtl.fullMessage(for: error)
                self.init(status: .success, message: text.isEmpty ? nil : .standardOutput(text + "\n"))
            case .validationFailure:
                self.init(status: .usage, message: .standardError(PgwalkCtl.fullMessage(for: error) + "\n"))
            default:
                self.init(status: .failure, message: .standardError("pgwalkctl: \(error)\n"))
            }
        }
    }

    /// The code of each error that means one of the documented outcomes;
    /// nil for swift-argument-parser's errors and any other failure.
    private static func documentedStatus(of error: Error) -> ExitStatus? {
        switch error {
        case let module as ModuleError:
            switch module.kind {
            case .notLoaded: return .moduleNotLoaded
            case .permissionDenied: return .permissionDenied
            case .noSuchProcess: return .noSuchProcess
            case .lockedDown: return .lockedDown
            case .versionMismatch: return .versionMismatch
            case .invalidRequest, .tokenUnsupported, .kernelThread, .io: return .failure
            }
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
        case let early as WalkEndedEarly:
            return early.status == LinuxErrno.noSuchProcess ? .noSuchProcess : .failure
        default:
            return nil
        }
    }

    /// Prints the message and exits with the status, through
    /// swift-argument-parser's `exit(withError:)`.
    func exit() -> Never {
        switch message {
        case .standardOutput(let text)?: FileStream.standardOutput.write(text)
        case .standardError(let text)?: FileStream.standardError.write(text)
        case nil: break
        }
        PgwalkCtl.exit(withError: status == .success ? nil : ExitCode(status))
    }
}
