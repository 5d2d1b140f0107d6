import PgwalkKit

/// Elapsed time on the monotonic clock, for `--stats` (RunStatistics).
package struct Stopwatch: Sendable {
    private let start = ContinuousClock.now

    /// A stopwatch started now.
    package init() {}

    /// The seconds since the stopwatch was started.
    package var seconds: Double { PhaseTimes.seconds(since: start) }
}
