#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// Goes through every process of the machine, one at a time, and does
/// something with each one the caller may read: the driver of
/// `verify --all` and `walk --all`.
///
/// Each pid of /proc is classified just before its turn
/// (``ProcessList/classify(pid:)``); kernel threads and exited processes
/// are skipped without a session, the rest are handed to the body. What
/// the body throws decides the outcome: a process that exits mid-way, one
/// the caller may not read (ptrace read access, as pagemap), or a kernel
/// thread the module refuses is skipped and counted; an error that is the
/// same for every process (the module not loaded, locked down, of another
/// version, its walk file closed to the caller) ends the run; any other is that process's failure, and the
/// run goes on.
///
/// What is the same for every process is paid once per run: the module's
/// version is checked before the first process, and ``session(for:)``
/// opens sessions without reading the module's info again.
public struct ProcessSweep {
    /// Why a process was skipped.
    public enum SkipReason: String, Sendable, Hashable, CaseIterable {
        /// A kernel thread: no user address space.
        case kernelThread = "kernel-thread"
        /// Exited (or exec'd) before or during its turn.
        case exited
        /// The caller may not read it (no ptrace read access).
        case notPermitted = "not-permitted"
    }

    /// What became of one process.
    public enum Outcome<Result> {
        /// The body ran to the end with this result.
        case done(Result)
        /// Skipped, for this reason.
        case skipped(SkipReason)
        /// The body failed for this process with this error.
        case failed(any Error)
    }

    /// Thrown by a body to skip its process for `reason`.
    public struct Skip: Error, Sendable {
        /// Why.
        public var reason: SkipReason
        /// A skip for `reason`.
        public init(_ reason: SkipReason) { self.reason = reason }
    }

    /// How many processes ended how.
    public struct Counts: Sendable, Equatable {
        /// Processes of /proc gone through (the excluded ones not counted).
        public var listed = 0
        /// Processes the body ran to the end for.
        public var done = 0
        /// Processes skipped, per reason (``skipped(_:)``).
        public var skippedByReason: [SkipReason: Int] = [:]
        /// Processes the body failed for.
        public var failed = 0

        /// Counts of nothing.
        public init() {}

        /// The processes skipped for `reason`.
        public func skipped(_ reason: SkipReason) -> Int { skippedByReason[reason, default: 0] }

        /// Every process skipped.
        public var totalSkipped: Int { skippedByReason.values.reduce(0, +) }

        mutating func add<R>(_ outcome: Outcome<R>) {
            listed += 1
            switch outcome {
            case .done: done += 1
            case .skipped(let reason): skippedByReason[reason, default: 0] += 1
            case .failed: failed += 1
            }
        }
    }

    /// Pids left out: the caller itself by default (its own walk would
    /// change as it reads).
    public var excluding: Set<Int32>
    /// Where the module's files are.
    public var paths: ModulePaths
    /// Whether the module's version is checked once before the first
    /// process (off for a body that does not use the module).
    public var checksModuleVersion: Bool

    /// A sweep that leaves out `excluding`.
    public init(excluding: Set<Int32> = [getpid()], paths: ModulePaths = .default, checksModuleVersion: Bool = true) {
        self.excluding = excluding
        self.paths = paths
        self.checksModuleVersion = checksModuleVersion
    }

    /// A walk session for `request`, with the sweep's paths. Sessions do not
    /// read the module's info file (``WalkSession``); the sweep checks the
    /// version once, before the first process.
    public func session(for request: WalkRequest) throws -> WalkSession {
        try WalkSession(request: request, paths: paths)
    }

    /// Runs `body` for each process of `pids` (every pid of /proc by
    /// default) that is a user process, in pid order, and tells `each`
    /// what became of every process but the excluded ones. Returns the
    /// counts. Throws what ends the whole run (see the type's summary), or
    /// what `each` throws.
    public func run<Result>(pids: [Int32]? = nil,
                            _ body: (ProcessList.Entry) throws -> Result,
                            each: (ProcessList.Entry, Outcome<Result>) throws -> Void) throws -> Counts {
        if checksModuleVersion {
            // Before the first process, not at it: a module that is not
            // there, or a walk file the caller may not open, ends the run
            // with nothing done.
            if access(paths.walk, R_OK | W_OK) != 0 {
                throw ModuleError.from(Errno(rawValue: errno), operation: "open", pid: nil)
            }
            try WalkSession.checkVersion(paths: paths)
        }
        var counts = Counts()
        for pid in try pids ?? ProcessList.pids() where !excluding.contains(pid) {
            let entry = ProcessList.classify(pid: pid)
            let outcome: Outcome<Result>
            switch entry.kind {
            case .kernelThread: outcome = .skipped(.kernelThread)
            case .exited: outcome = .skipped(.exited)
            case .user:
                do {
                    outcome = .done(try body(entry))
                } catch {
                    outcome = try Self.outcome(of: error, pid: pid)
                }
            }
            counts.add(outcome)
            try each(entry, outcome)
        }
        return counts
    }

    /// What `error` from one process's body means; rethrows the errors
    /// that would be the same for every process.
    static func outcome<R>(of error: any Error, pid: Int32) throws -> Outcome<R> {
        switch error {
        case let skip as Skip:
            return .skipped(skip.reason)
        case let module as ModuleError:
            switch module.kind {
            case .notLoaded, .lockedDown, .versionMismatch, .tokenUnsupported: throw error
            case .noSuchProcess: return .skipped(.exited)
            // Refused at the open of the walk file, before any pid is named:
            // the caller may not use the module at all (debugfs's mode).
            case .permissionDenied where module.operation == "open": throw error
            case .permissionDenied: return .skipped(.notPermitted)
            case .kernelThread: return .skipped(.kernelThread)
            case .invalidRequest, .io: break
            }
        case let procfs as ProcfsError:
            switch procfs.reason {
            case .processGone: return .skipped(.exited)
            case .permissionDenied: return .skipped(.notPermitted)
            default: break
            }
        default:
            break
        }
        // A read that failed because its process went away meanwhile.
        if ProcessRunState.isExitingOrGone(pid: pid) { return .skipped(.exited) }
        return .failed(error)
    }
}
