/// Where a run's time went, phase by phase, on the monotonic clock: what
/// `--stats` prints after the total (`t_session=0.004100 ...`), so that a
/// benchmark can tell the fixed costs (probes, opening the module's
/// session, reading /proc/PID/maps) from the work that grows with the
/// target (docs/BENCH.md, "Where the time goes").
///
/// A phase timed twice adds up; phases keep the order they were first
/// timed in.
package struct PhaseTimes: Sendable, Equatable {
    /// One phase and its seconds.
    package struct Phase: Sendable, Equatable {
        package var name: String
        package var seconds: Double
    }

    package private(set) var phases: [Phase] = []

    package init() {}

    /// Adds `seconds` to the phase `name`.
    package mutating func add(_ name: String, seconds: Double) {
        if let at = phases.firstIndex(where: { $0.name == name }) {
            phases[at].seconds += seconds
        } else {
            phases.append(Phase(name: name, seconds: seconds))
        }
    }

    /// Runs `body` and adds the time it took to `name`, also when it throws.
    package mutating func time<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer { add(name, seconds: Self.seconds(since: start)) }
        return try body()
    }

    /// The seconds from `start` to now.
    package static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = start.duration(to: .now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }
}
