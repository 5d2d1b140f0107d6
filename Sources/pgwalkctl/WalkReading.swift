import PgwalkKit
import SystemPackage

/// Where the walk-like commands (`walk`, `diff`, `map`) get a walk from, and
/// how it reaches a ``WalkRenderer``: the module's stream for a pid, a
/// saved stream (`--input`), or page tables rebuilt from pagemap.
enum WalkReading {
    enum Origin {
        /// Ask the module; `saveTo` keeps a copy of the raw stream.
        case kernel(pid: Int32, start: UInt64?, end: UInt64?, trace: Bool = false, seq: Bool = true, saveTo: String? = nil)
        /// A stream saved with `walk --output`.
        case snapshot(path: String)
        /// /proc/PID/maps and /proc/PID/pagemap, walked by the walker model.
        case pagemap(pid: Int32, start: UInt64?, end: UInt64?)
    }

    /// Renders the walk from `origin` into `renderer` and returns the END
    /// record of a stream (nil for pagemap, which has none).
    @discardableResult
    static func read(_ origin: Origin, into renderer: WalkRenderer) throws -> EndRecord? {
        switch origin {
        case let .kernel(pid, start, end, trace, seq, saveTo):
            let session = try WalkSession(request: WalkRequest(pid: pid, start: start, end: end, trace: trace, seq: seq))
            defer { try? session.close() }
            if let saveTo {
                let copy = try FileAccess.openForWriting(saveTo)
                defer { try? copy.close() }
                let source = RecordingByteSource(FileDescriptorByteSource(session.fileDescriptor), copyTo: copy)
                return try render(StreamDecoder(source: source), into: renderer, kind: .kernel)
            }
            return try render(StreamDecoder(source: FileDescriptorByteSource(session.fileDescriptor)),
                              into: renderer, kind: .kernel)
        case let .snapshot(path):
            let fd = try FileAccess.openForReading(path)
            defer { try? fd.close() }
            return try render(StreamDecoder(source: FileDescriptorByteSource(fd)), into: renderer, kind: .snapshot)
        case let .pagemap(pid, start, end):
            try renderPagemap(pid: pid, start: start, end: end, into: renderer)
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

    private static func renderPagemap(pid: Int32, start: UInt64?, end: UInt64?, into renderer: WalkRenderer) throws {
        let geometry = PagingGeometry.ofRunningKernel()
        let start = start ?? 0
        let end = end ?? geometry.userAddressLimit
        let tables = try PagemapPageTables.build(pid: pid, start: start, end: end, geometry: geometry)
        let pfnVisible = SystemReport.pagemapShowsPFNs
        renderer.begin(WalkDescription(pid: pid, source: .pagemap, geometry: geometry,
                                       kernelRelease: SystemReport.kernelRelease, pfnVisible: pfnVisible,
                                       start: start, end: end))
        var builder = MappingRowBuilder(pfnVisible: pfnVisible, pageShift: geometry.pageShift,
                                        vmaStarted: { renderer.vma($0) }, emit: { renderer.row($0) })
        _ = PageWalker(source: tables).walkPageRange(start: start, end: end, ops: &builder)
        builder.finish()
        renderer.end(status: 0)
    }
}
