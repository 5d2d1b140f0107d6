import Foundation
import Testing
@testable import PgwalkKit
@testable import PgwalkRender

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

    /// END counts what came before it; the statistics count the whole
    /// stream, END's 40 bytes included.
    @Test func streamCountsComeFromTheEndRecord() {
        let end = EndRecord(status: 0, chunks: 3, walkedTo: 0x7fff_ffff_f000, streamBytes: 4096, records: 17)
        let line = RunStatistics(command: "walk", seconds: 1, counts: RunStatistics.streamCounts(end)).line
        #expect(line == "pgwalkctl walk: seconds=1.000000 records=18 stream_bytes=4136 chunks=3")
    }

    /// A stream recorded from the module: stream_bytes is its file's size.
    @Test(arguments: ["target-4level.pgw", "target-4level-seq.pgw", "big-5level-trace-seq-16k.pgw"])
    func streamBytesIsTheRecordedStreamsSize(name: String) throws {
        let url = SharedFixtures.directory.appendingPathComponent(name)
        let bytes = [UInt8](try Data(contentsOf: url))
        var decoder = try StreamDecoder(source: MemoryByteSource(bytes))
        var records: UInt64 = 0
        var end: EndRecord?
        while let record = try decoder.nextRecord() {
            records += 1
            if case .end(let e) = record { end = e }
        }
        let counts = RunStatistics.streamCounts(try #require(end))
        #expect(counts[0] == .init("records", records))
        #expect(counts[1] == .init("stream_bytes", UInt64(bytes.count)))
    }

    /// Phases follow the counts, in the order first timed, each with six
    /// decimals; a phase timed twice is one key holding the sum.
    @Test func phasesFollowTheCountsInTheOrderFirstTimed() {
        var phases = PhaseTimes()
        phases.add("session", seconds: 0.0041)
        phases.add("stream", seconds: 0.25)
        phases.add("session", seconds: 0.0009)
        phases.add("output", seconds: 0.0000004)
        let stats = RunStatistics(command: "walk", seconds: 0.3, counts: [.init("records", 7)], phases: phases)
        #expect(stats.line == "pgwalkctl walk: seconds=0.300000 records=7 t_session=0.005000 t_stream=0.250000 t_output=0.000000")
    }

    /// `time` adds what its body took, also when the body throws.
    @Test func timedPhasesCountThrowingBodies() {
        struct Failure: Error {}
        var phases = PhaseTimes()
        let value = phases.time("a") { 42 }
        #expect(value == 42)
        #expect(throws: Failure.self) { try phases.time("b") { throw Failure() } }
        #expect(phases.phases.map(\.name) == ["a", "b"])
        #expect(phases.phases.allSatisfy { $0.seconds >= 0 })
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
