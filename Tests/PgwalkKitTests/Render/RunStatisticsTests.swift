import Testing
@testable import PgwalkKit

/// `--stats` is read by scripts and by bench/run.sh: its line must keep one
/// exact form.
@Suite struct RunStatisticsTests {
    @Test func secondsHaveSixDecimalsAndCountsFollowInOrder() {
        let stats = RunStatistics(command: "walk", seconds: 0.0523, counts: [.init("records", 1312), .init("stream_bytes", 65296)])
        #expect(stats.line == "pgwalkctl walk: seconds=0.052300 records=1312 stream_bytes=65296")
    }

    @Test func wholeSecondsAndRounding() {
        #expect(RunStatistics(command: "verify", seconds: 12.5).line == "pgwalkctl verify: seconds=12.500000")
        #expect(RunStatistics(command: "verify", seconds: 1.0000004).line == "pgwalkctl verify: seconds=1.000000")
        #expect(RunStatistics(command: "verify", seconds: 0.0000005).line == "pgwalkctl verify: seconds=0.000001")
        #expect(RunStatistics(command: "walk", seconds: 0).line == "pgwalkctl walk: seconds=0.000000")
    }

    @Test func streamCountsComeFromTheEndRecord() {
        let end = EndRecord(status: 0, chunks: 3, walkedTo: 0x7fff_ffff_f000, streamBytes: 4096, records: 17)
        let line = RunStatistics(command: "walk", seconds: 1, counts: RunStatistics.streamCounts(end)).line
        #expect(line == "pgwalkctl walk: seconds=1.000000 records=17 stream_bytes=4096 chunks=3")
    }

    @Test func stopwatchRunsForward() {
        let stopwatch = Stopwatch()
        let first = stopwatch.seconds
        var spin: UInt64 = 0
        for i in 0..<100_000 { spin &+= UInt64(i) }
        #expect(spin > 0)
        #expect(first >= 0)
        #expect(stopwatch.seconds >= first)
    }
}
