/// The conformance check: replays a trace stream with ``PageWalker`` and
/// demands the kernel's callback sequence, call for call.
///
/// For each WALK_BEGIN of the trace it runs
/// `walkPageRange(start:end:ops:)` over the ``PageTables`` rebuilt from the
/// same stream, with ``ModuleReplayOps`` (the module's behaviour, stopping
/// where the trace stopped), and compares the recorded sequence with the
/// trace's (``TraceCallSequence``): same calls, order, addresses, entries,
/// actions, hole depths, `test_walk` and `walk_page_range()` results. The
/// first difference is reported exactly.
///
/// The walker mirrors the kernel that recorded the trace: its semantics are
/// chosen from the header's `kernel_version`
/// (``WalkerSemantics/init(linuxVersionCode:)``) unless the caller names
/// others.
public enum ConformanceReplay {
    /// Decodes a trace stream from `source` and replays it. Throws
    /// ``StreamDecodingError`` for a bad stream and
    /// ``TraceCallSequence/StructureError`` for one that is not a usable trace;
    /// a walker that disagrees is a report with a mismatch, not an error.
    ///
    /// - Parameter semantics: the walker to replay with; nil for the one of
    ///   the kernel that recorded the stream.
    public static func run<Source: ByteSource>(source: Source, semantics: WalkerSemantics? = nil) throws -> ConformanceReport {
        var decoder = try StreamDecoder(source: source)
        var tables = StreamPageTables(header: decoder.header)
        var sequence = try TraceCallSequence(header: decoder.header)
        var index = 0
        while let record = try decoder.nextRecord() {
            try tables.apply(record)
            try sequence.add(record, recordIndex: index)
            index += 1
        }
        return replay(sequence, over: tables.pageTables, semantics: semantics)
    }

    /// Replays a decoded trace.
    public static func run(header: StreamHeader, records: [StreamRecord],
                           semantics: WalkerSemantics? = nil) throws -> ConformanceReport {
        var tables = StreamPageTables(header: header)
        var sequence = try TraceCallSequence(header: header)
        for (index, record) in records.enumerated() {
            try tables.apply(record)
            try sequence.add(record, recordIndex: index)
        }
        return replay(sequence, over: tables.pageTables, semantics: semantics)
    }

    /// Replays `sequence`'s walks over `tables` and compares; nil
    /// `semantics` picks those of the kernel that recorded the trace.
    public static func replay<Source: PageTableSource>(_ sequence: TraceCallSequence, over tables: Source,
                                                       semantics: WalkerSemantics? = nil) -> ConformanceReport {
        let semantics = semantics ?? WalkerSemantics(linuxVersionCode: sequence.linuxVersionCode)
        let walker = PageWalker(source: tables, semantics: semantics)
        var actual: [WalkEvent] = []
        var walkOfEvent: [Int] = []
        for (number, walk) in sequence.walks.enumerated() {
            var ops = ModuleReplayOps(stops: walk.stops)
            let result = walker.walkPageRange(start: walk.start, end: walk.end, ops: &ops)
            let events = [.walkBegin(start: walk.start, end: walk.end)] + ops.events + [.walkEnd(result: Int64(result))]
            actual += events
            walkOfEvent += Array(repeating: number, count: events.count)
        }
        let expected = sequence.calls
        let common = min(expected.count, actual.count)
        var index = 0
        while index < common, expected[index].event == actual[index] { index += 1 }
        if index == expected.count && index == actual.count {
            return ConformanceReport(walks: sequence.walks.count, expectedEvents: expected.count,
                                     matchedEvents: index, mismatch: nil, semantics: semantics)
        }
        let walk = index < walkOfEvent.count ? walkOfEvent[index] : max(sequence.walks.count - 1, 0)
        let mismatch = ConformanceMismatch(
            index: index, walk: walk,
            recordIndex: index < expected.count ? expected[index].recordIndex : nil,
            expected: index < expected.count ? expected[index].event : nil,
            actual: index < actual.count ? actual[index] : nil,
            previous: index > 0 ? actual[index - 1] : nil)
        return ConformanceReport(walks: sequence.walks.count, expectedEvents: expected.count,
                                 matchedEvents: index, mismatch: mismatch, semantics: semantics)
    }
}
