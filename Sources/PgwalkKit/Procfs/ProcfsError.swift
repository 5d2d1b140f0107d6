import SystemPackage

/// Everything that can go wrong while reading `/proc` for pgwalk.
///
/// The reader never hides a failed system call: `errno` is the value the kernel
/// returned (nil only for failures found by pgwalk itself, such as a line it
/// cannot parse), `path` is the file involved, and `nextStep` tells a person
/// what to do about it. Callers branch on `reason`.
public struct ProcfsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as far as a caller needs to decide what to do.
    public enum Reason: Sendable, Equatable {
        /// The target process no longer exists (ESRCH, ENOENT under /proc/PID,
        /// a zombie, or end-of-file because its memory went away mid-read).
        case processGone
        /// The kernel refused access (EACCES or EPERM): reading another
        /// user's pagemap needs ptrace read access, PFNs and /proc/kpage*
        /// need CAP_SYS_ADMIN.
        case permissionDenied
        /// Text that should have named a process is not a positive decimal
        /// pid or "self".
        case invalidProcessID(String)
        /// A line of /proc/PID/maps did not have the kernel's format.
        case malformedMapsLine(lineNumber: Int, line: String)
        /// /proc/PID/stat did not have the kernel's format.
        case malformedStat(String)
        /// The kernel has no PAGEMAP_SCAN ioctl (before 6.7: ENOTTY, or EINVAL
        /// for a category it does not know).
        case scanUnsupported
        /// /proc/PID/pagemap ended before the requested range did: the range
        /// extends beyond the target's address space (TASK_SIZE).
        case beyondAddressSpace(address: UInt64)
        /// /proc/kpageflags or /proc/kpagecount ended before the requested
        /// frame: no such physical page.
        case beyondPhysicalMemory(frame: UInt64)
        /// A file this kernel does not provide (e.g. /proc/kpageflags without
        /// CONFIG_PROC_PAGE_MONITOR).
        case notAvailable
        /// A ProcessFreezer asked the target to stop and it did not reach the
        /// stopped state in time (a thread stuck in uninterruptible sleep).
        case didNotStop
        /// A process cannot freeze itself: nothing would be left to resume it.
        case cannotFreezeSelf
        /// More targets are frozen at once than the signal-safe table holds.
        case tooManyFrozen
        /// The reader was used after `close()`.
        case closed
        /// Any other failed system call; see `errno`.
        case systemCall
    }

    /// What went wrong, to branch on.
    public var reason: Reason
    /// The errno the kernel returned, when a system call failed.
    public var errno: Errno?
    /// The /proc file involved, when there is one.
    public var path: FilePath?
    /// The call or step that failed, e.g. "open", "pread", "ioctl(PAGEMAP_SCAN)".
    public var operation: String

    /// An error of `reason`, from `operation` on `path`, with the errno.
    public init(_ reason: Reason, errno: Errno? = nil, path: FilePath? = nil, operation: String) {
        self.reason = reason
        self.errno = errno
        self.path = path
        self.operation = operation
    }

    /// Advice for the person running pgwalk.
    public var nextStep: String {
        switch reason {
        case .processGone:
            return "the process exited; pick a live pid (see `ps`) and run again"
        case .permissionDenied:
            return "run as root (or with CAP_SYS_ADMIN and ptrace access to the target); check kernel.yama.ptrace_scope"
        case .invalidProcessID(let text):
            return "'\(text)' is not a pid; pass a positive decimal number or 'self'"
        case .malformedMapsLine(let number, _):
            return "line \(number) of the maps file is not in the kernel's format; report this with the line"
        case .malformedStat:
            return "the stat file is not in the kernel's format; report this with its contents"
        case .scanUnsupported:
            return "the kernel predates PAGEMAP_SCAN (Linux 6.7); use the plain pagemap read path"
        case .beyondAddressSpace(let address):
            return "address 0x\(String(address, radix: 16)) is past the end of the target's address space; shorten the range"
        case .beyondPhysicalMemory(let frame):
            return "frame \(frame) is past the last physical page; check the PFN"
        case .notAvailable:
            return "this kernel does not provide the file (CONFIG_PROC_PAGE_MONITOR?); continue without it"
        case .didNotStop:
            return "the target did not stop (a thread in uninterruptible sleep?); retry, or read it without freezing"
        case .cannotFreezeSelf:
            return "freeze another process, or read your own memory without freezing"
        case .tooManyFrozen:
            return "resume some frozen targets before freezing more"
        case .closed:
            return "open a new reader"
        case .systemCall:
            return "see the errno; this is unexpected for a /proc file"
        }
    }

    public var description: String {
        var text = operation
        if let path { text += " \(path)" }
        text += " failed"
        if let errno { text += ": \(errno) (errno \(errno.rawValue))" }
        switch reason {
        case .malformedMapsLine(_, let line): text += ": \"\(line)\""
        case .malformedStat(let stat): text += ": \"\(stat)\""
        default: break
        }
        return text + " — " + nextStep
    }

    /// Classifies a failed system call on a /proc file.
    ///
    /// `perProcess` says the path lies under /proc/PID, where ENOENT and ESRCH
    /// mean the process is gone; elsewhere ENOENT means the kernel lacks the
    /// file.
    static func fromSystemCall(
        _ errno: Errno, operation: String, path: FilePath?, perProcess: Bool
    ) -> ProcfsError {
        let reason: Reason
        switch errno {
        case .noSuchProcess:
            reason = .processGone
        case .noSuchFileOrDirectory:
            reason = perProcess ? .processGone : .notAvailable
        case .permissionDenied, .notPermitted:
            reason = .permissionDenied
        default:
            reason = .systemCall
        }
        return ProcfsError(reason, errno: errno, path: path, operation: operation)
    }
}
