import SystemPackage

/// A failure to talk to the module, with the errno it came with and what
/// the user can do about it.
public struct ModuleError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, to branch on.
    public enum Kind: Sendable, Equatable {
        /// The walk file is not there: the module is not loaded or debugfs
        /// is not mounted.
        case notLoaded
        /// The request was refused because the caller may not read the target.
        case permissionDenied
        /// The target does not exist or has exited.
        case noSuchProcess
        /// The target is a kernel thread: it has no user address space.
        case kernelThread
        /// The module rejected the request as malformed or out of range.
        case invalidRequest
        /// The loaded module is older than this client and does not know a
        /// request token the client used (``ModuleError/token``).
        case tokenUnsupported
        /// The kernel is locked down (``ModuleError/lockdown``): debugfs
        /// refuses the walk file, or the kernel refused an unsigned module.
        case lockedDown
        /// The loaded module writes a stream format this client does not
        /// read (``ModuleError/versions``).
        case versionMismatch
        /// Anything else.
        case io
    }

    /// What went wrong.
    public var kind: Kind
    /// The errno of the failing call, if one failed.
    public var errno: Errno?
    /// The operation that failed (`open`, `write`, `read`, ...).
    public var operation: String
    /// The target process, when the request named one.
    public var pid: Int32?
    /// For ``Kind/tokenUnsupported``: the token.
    public var token: String?
    /// For ``Kind/lockedDown``: the kernel's level.
    public var lockdown: KernelLockdown?
    /// For ``Kind/versionMismatch``: the two sides.
    public var versions: VersionCheck?

    /// An error of `kind` from `operation`.
    public init(kind: Kind, errno: Errno?, operation: String, pid: Int32? = nil, token: String? = nil,
                lockdown: KernelLockdown? = nil, versions: VersionCheck? = nil) {
        self.kind = kind
        self.errno = errno
        self.operation = operation
        self.pid = pid
        self.token = token
        self.lockdown = lockdown
        self.versions = versions
    }

    /// Why the module refused `request` with `errno`: when the request has a
    /// token that the loaded module does not list in `request_tokens` (a
    /// module older than this client), that, since the errno alone (EINVAL)
    /// would point at the range instead.
    public static func rejected(_ request: WalkRequest, errno: Errno, info: ModuleInfo?) -> ModuleError {
        if errno == .invalidArgument, let info {
            let missing = request.optionalTokens.filter { !info.requestTokens.contains($0) }
            if let token = missing.first {
                return ModuleError(kind: .tokenUnsupported, errno: errno, operation: "request",
                                   pid: request.pid, token: token)
            }
        }
        return from(errno, operation: "request", pid: request.pid)
    }

    /// Classifies an errno from opening the walk file or writing a request,
    /// per the errno table of docs/FORMAT.md section 2.1. EPERM from the
    /// open while the kernel is locked down is lockdown's, not ptrace's: the
    /// module's own checks come after the open.
    public static func from(_ errno: Errno, operation: String, pid: Int32?,
                            lockdown: @autoclosure () -> KernelLockdown = .current) -> ModuleError {
        if errno == .notPermitted, operation == "open" {
            let level = lockdown()
            if level.isActive {
                return ModuleError(kind: .lockedDown, errno: errno, operation: operation, pid: pid, lockdown: level)
            }
        }
        let kind: Kind
        switch errno {
        case .noSuchFileOrDirectory, .operationNotSupportedByDevice:
            kind = .notLoaded
        case .permissionDenied, .notPermitted:
            kind = .permissionDenied
        case .noSuchProcess:
            kind = .noSuchProcess
        case .noSuchAddressOrDevice:
            kind = .kernelThread
        case .invalidArgument, .argListTooLong, .outOfRange:
            kind = .invalidRequest
        default:
            kind = .io
        }
        return ModuleError(kind: kind, errno: errno, operation: operation, pid: pid)
    }

    public var description: String {
        let target = pid.map { "pid \($0)" } ?? "the target"
        let cause = errno.map { " (\($0.description))" } ?? ""
        switch kind {
        case .notLoaded:
            return "pgwalk module not loaded: \(ModulePaths.default.walk) is missing\(cause). "
                + "Load it with 'sudo pgwalkctl load' (modprobe pgwalk, after 'sudo make install'; "
                + "it also mounts debugfs), or from a source tree 'sudo make load'; "
                + "run 'make demo' on a machine that cannot load modules."
        case .permissionDenied:
            return "permission denied reading \(target)\(cause): "
                + "it needs ptrace read access to the target, as /proc/PID/pagemap does; "
                + "run as the target's owner or as root (sudo)."
        case .noSuchProcess:
            return "no such process: \(target)\(cause); it does not exist or has exited."
        case .kernelThread:
            return "\(target) is a kernel thread\(cause): it has no user address space to walk."
        case .invalidRequest:
            return "the module rejected the request for \(target)\(cause): "
                + "check --start/--end (page aligned, start < end, below the user address limit)."
        case .tokenUnsupported:
            let token = self.token ?? "?"
            return "the loaded pgwalk module does not accept the request token '\(token)'\(cause): "
                + "it is older than this pgwalkctl. Load the module built with it ('sudo make load')"
                + (token == "seq" ? ", or pass --no-seq." : ".")
        case .lockedDown:
            return "the kernel is locked down (lockdown=\((lockdown ?? .unknown).name))\(cause): "
                + "the \(operation) was refused. " + KernelLockdown.advice
        case .versionMismatch:
            return versions?.problem ?? "the module's versions do not match this pgwalkctl's\(cause)."
        case .io:
            return "\(operation) failed for \(target)\(cause)."
        }
    }
}
