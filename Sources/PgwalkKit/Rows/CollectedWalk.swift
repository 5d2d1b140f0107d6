/// A whole walk held in memory as rows: what `diff` compares and `map`
/// draws, which need all of a walk at once (`walk` itself streams).
///
/// Rows cost about 80 bytes per run of pages mapped alike, so even a large
/// address space is small here.
public struct CollectedWalk: Sendable {
    public var description: WalkDescription
    /// Every VMA the walk reported, walked or not, in address order.
    public var vmas: [VMA]
    /// The rows, in address order; each lies inside the VMA at `vmaStart`.
    public var rows: [MappingRow]
    /// The END record's status: 0, or a negative errno.
    public var status: Int32

    /// A walk described by `description`, with what it found.
    public init(description: WalkDescription, vmas: [VMA] = [], rows: [MappingRow] = [], status: Int32 = 0) {
        self.description = description
        self.vmas = vmas
        self.rows = rows
        self.status = status
    }
}

/// The ``WalkRenderer`` that keeps everything it is given as a
/// ``CollectedWalk``: any source a walk can be rendered from (the module, a
/// saved stream, pagemap) can be collected the same way.
public final class WalkCollector: WalkRenderer {
    /// The walk given so far; nil before ``begin(_:)``.
    public private(set) var walk: CollectedWalk?

    /// A collector with nothing collected.
    public init() {}

    public func begin(_ description: WalkDescription) {
        walk = CollectedWalk(description: description)
    }

    public func vma(_ vma: VMA) { walk?.vmas.append(vma) }

    public func row(_ row: MappingRow) { walk?.rows.append(row) }

    public func end(status: Int32) { walk?.status = status }
}
