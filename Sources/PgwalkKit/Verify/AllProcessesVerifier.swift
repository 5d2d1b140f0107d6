#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `pgwalkctl verify --all`: ``Verifier`` on every user process the caller
/// may read, one module session per pass as for one pid, with what is the
/// same for every process opened or probed once per run: the module's
/// version, /proc/kpageflags, and how pagemap reports guard regions (``GuardRegionReporting/runningKernel``).
///
/// Kernel threads, processes that exit mid-way and (for a caller that is
/// not root) processes it may not read are skipped and counted
/// (``ProcessSweep``).
public struct AllProcessesVerifier {
    /// What to verify in each process and how.
    public struct Options: Sendable {
        /// The first address verified in each process (nil: the bottom).
        public var start: UInt64?
        /// The end of the range verified in each process (nil: the top).
        public var end: UInt64?
        /// Mismatches kept per process, and re-checked at most.
        public var mismatchLimit = 1000
        /// Where the module's debugfs files are.
        public var paths: ModulePaths = .default
        /// Pids left out: the caller itself by default.
        public var excluding: Set<Int32> = [getpid()]

        /// Options to verify every process over `[start, end)`.
        public init(start: UInt64? = nil, end: UInt64? = nil) {
            self.start = start
            self.end = end
        }
    }

    /// The result for one process.
    public typealias Outcome = ProcessSweep.Outcome<VerifyReport>

    /// The whole run's numbers.
    public struct Summary: Sendable, Equatable {
        /// How the processes ended: verified (`done`), skipped, failed.
        public var counts = ProcessSweep.Counts()
        /// Verified processes with a persistent mismatch (or VMA difference).
        public var mismatched = 0
        /// Verified processes with no persistent mismatch.
        public var matched: Int { counts.done - mismatched }
        /// Pages compared, over every verified process.
        public var pagesChecked: UInt64 = 0
        /// Persistent mismatches, over every verified process.
        public var persistentMismatches: UInt64 = 0

        /// An empty summary.
        public init() {}

        /// True when no verified process has a persistent mismatch.
        public var matches: Bool { mismatched == 0 }

        /// Adds one process's outcome.
        public mutating func add(_ outcome: Outcome) {
            counts.add(outcome)
            if case .done(let report) = outcome {
                if !report.matches { mismatched += 1 }
                pagesChecked += report.pagesChecked
                persistentMismatches += report.persistentMismatches
            }
        }
    }

    /// The options this verifier runs with.
    public let options: Options

    /// A verifier of every process with `options`.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// Verifies every process in pid order (or those of `pids`), telling
    /// `each` the outcome of each as it is known. Throws what ends the whole
    /// run: the module not loaded, locked down or of another version.
    public func run(pids: [Int32]? = nil,
                    each: (ProcessList.Entry, Outcome) throws -> Void) throws -> Summary {
        let sweep = ProcessSweep(excluding: options.excluding, paths: options.paths)
        let frameFlags = try? KernelPageFlagsReader()
        defer { try? frameFlags?.close() }
        let resources = Verifier.RunResources(frameFlags: frameFlags, openSession: { try sweep.session(for: $0) })
        var summary = Summary()
        _ = try sweep.run(pids: pids, { entry -> VerifyReport in
            var verifierOptions = Verifier.Options(pid: entry.pid, start: options.start, end: options.end)
            verifierOptions.mismatchLimit = options.mismatchLimit
            verifierOptions.paths = options.paths
            do {
                return try Verifier(options: verifierOptions).run(with: resources)
            } catch let VerifyError.walkEnded(status, _) where status == LinuxErrno.noSuchProcess {
                throw ProcessSweep.Skip(.exited)
            }
        }, each: { entry, outcome in
            summary.add(outcome)
            try each(entry, outcome)
        })
        return summary
    }
}
