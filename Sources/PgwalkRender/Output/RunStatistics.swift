import PgwalkKit

/// What one `walk` or `verify` cost, for `--stats`: one line of key=value
/// pairs, so that a script (or `bench/run.sh`) can time the work itself
/// without the process's start-up, and see how big the module's stream was.
package struct RunStatistics: Sendable, Equatable {
    /// The subcommand: `walk` or `verify`.
    package var command: String
    /// From just before the first file was opened to the last row or page
    /// compared.
    package var seconds: Double
    /// Counts, printed in this order after `seconds`.
    package var counts: [Count]

    package struct Count: Sendable, Equatable {
        package var key: String
        package var value: UInt64

        package init(_ key: String, _ value: UInt64) {
            self.key = key
            self.value = value
        }
    }

    /// Where the seconds went (``PhaseTimes``), printed after the counts
    /// as `t_NAME=SECONDS`, in the order the phases were first timed.
    package var phases = PhaseTimes()

    package init(command: String, seconds: Double, counts: [Count] = []) {
        self.command = command
        self.seconds = seconds
        self.counts = counts
    }

    package init(command: String, seconds: Double, counts: [Count] = [], phases: PhaseTimes) {
        self.init(command: command, seconds: seconds, counts: counts)
        self.phases = phases
    }

    /// The whole stream's size from its END record, which counts what came
    /// before it: `records` and `stream_bytes` include the END record itself
    /// (so `stream_bytes` is the size of a stream saved with `--output`).
    package static func streamCounts(_ end: EndRecord) -> [Count] {
        let endLength = UInt64(StreamRecordType.end.fixedLength!)
        return [Count("records", end.records + 1), Count("stream_bytes", end.streamBytes + endLength),
                Count("chunks", UInt64(end.chunks))]
    }

    /// `pgwalkctl walk: seconds=0.052310 records=1312 ... t_session=0.004100
    /// ...`, seconds to the microsecond.
    package var line: String {
        var text = "pgwalkctl \(command): seconds=" + Self.decimal(seconds)
        for count in counts {
            text += " \(count.key)=\(count.value)"
        }
        for phase in phases.phases {
            text += " t_\(phase.name)=" + Self.decimal(phase.seconds)
        }
        return text
    }

    /// Seconds with six decimals (microseconds).
    private static func decimal(_ seconds: Double) -> String {
        let micros = UInt64(max(0, seconds * 1_000_000).rounded())
        return "\(micros / 1_000_000)." + String(micros % 1_000_000).leftPadded(to: 6, with: "0")
    }
}
