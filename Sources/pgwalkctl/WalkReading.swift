import PgwalkKit
import PgwalkRender
import SystemPackage

/// Where the walk-like commands (`walk`, `diff`, `map`) get a walk from, and
/// how it reaches a ``WalkRenderer``: the module's stream for a pid, a
/// saved stream (`--input`), or page tables rebuilt from pagemap.
enum WalkReading {
    enum Origin {
        /// The module's walk or a saved stream (`--input`); `saveTo` keeps
        /// a copy of the raw stream as it is read.
        case stream(CommandStream.Origin, saveTo: String? = nil)
        /// /proc/PID/maps and /proc/PID/pagemap, walked by the walker model.
        case pagemap(pid: Int32, start: UInt64?, end: UInt64?)

        /// The module's walk of `pid` over [start, end).
        static func kernel(pid: Int32, start: UInt64?, end: UInt64?, trace: Bool = false, seq: Bool = true,
                           saveTo: String? = nil) -> Origin {
            .stream(.module(WalkRequest(pid: pid, start: start, end: end, trace: trace, seq: seq)), saveTo: saveTo)
        }

        /// A stream saved with `walk --output`.
        static func snapshot(path: String) -> Origin {
            .stream(.file(path))
        }
    }

    /// Renders the walk from `origin` into `renderer` and returns the END
    /// record of a stream (nil for pagemap, which has none).
    @discardableResult
    static func read(_ origin: Origin, into renderer: WalkRenderer) throws -> EndRecord? {
        var phases = PhaseTimes()
        return try read(origin, into: renderer, phases: &phases)
    }

    /// ``read(_:into:)``, adding to `phases` (`--stats`) the time spent
    /// opening the stream (`session`: for the module, the open and the
    /// request) and reading it into rows (`stream`), or
    /// walking pagemap (`pagemap`).
    @discardableResult
    static func read(_ origin: Origin, into renderer: WalkRenderer, phases: inout PhaseTimes) throws -> EndRecord? {
        switch origin {
        case let .stream(streamOrigin, saveTo):
            let kind: WalkDescription.SourceKind
            if case .file = streamOrigin { kind = .snapshot } else { kind = .kernel }
            let opening = ContinuousClock.now
            return try CommandStream.read(streamOrigin, savingTo: saveTo) { source in
                phases.add("session", seconds: PhaseTimes.seconds(since: opening))
                let end = try phases.time("stream") { try render(StreamDecoder(source: source), into: renderer, kind: kind) }
                if let seconds = source.readAheadSeconds { phases.add("readahead", seconds: seconds) }
                return end
            }
        case let .pagemap(pid, start, end):
            try phases.time("pagemap") {
                try Pgwalk.pagemapRows(ofProcess: pid, start: start, end: end, into: renderer)
            }
            return nil
        }
    }

    /// The whole walk from `origin`, held in memory.
    static func collect(_ origin: Origin) throws -> CollectedWalk {
        let collector = WalkCollector()
        try read(origin, into: collector)
        return collector.walk!
    }

    private static func render<S: ByteSource>(_ decoder: StreamDecoder<S>, into renderer: WalkRenderer,
                                              kind: WalkDescription.SourceKind) throws -> EndRecord {
        var driver = StreamCallbackDriver(decoder: decoder)
        let header = driver.header
        renderer.begin(WalkDescription(header: header, source: kind))
        var builder = MappingRowBuilder(pfnVisible: header.flags.contains(.pfnVisible),
                                        pageShift: header.geometry.pageShift,
                                        vmaStarted: { renderer.vma($0) }, emit: { renderer.row($0) })
        let end = try driver.run(ops: &builder)
        builder.finish()
        renderer.end(status: end.status)
        return end
    }
}
