/// A HOLE record (FORMAT.md 5.5): ``count`` consecutive `pte_hole` calls of
/// one depth, merged into `[addr, end)`. ``calls(geometry:)`` recovers them.
public struct HoleRecord: Hashable, Sendable {
    /// The first address of the first hole.
    public var addr: UInt64
    /// The end of the last hole.
    public var end: UInt64
    /// The `depth` argument of every call.
    public var depth: HoleDepth
    /// How many `pte_hole` calls the record stands for.
    public var count: Int

    /// A HOLE record of `count` `pte_hole` calls over `[addr, end)`.
    public init(addr: UInt64, end: UInt64, depth: HoleDepth, count: Int) {
        self.addr = addr
        self.end = end
        self.depth = depth
        self.count = count
    }

    /// How many calls ``calls(geometry:)`` yields, computed without building
    /// them (a corrupt record could claim a range of billions of calls).
    public func callCount(geometry: PagingGeometry) -> UInt64 {
        guard addr < end else { return 0 }
        guard let level = depth.level else { return 1 }
        let shift = UInt64(geometry.shift(level))
        return ((end - 1) >> shift) - (addr >> shift) + 1
    }

    /// The individual `(addr, next)` calls: `[addr, end)` cut at multiples
    /// of the entry size of the depth's level; one call for depth -1.
    public func calls(geometry: PagingGeometry) -> [(addr: UInt64, next: UInt64)] {
        guard let level = depth.level else { return [(addr, end)] }
        var result: [(addr: UInt64, next: UInt64)] = []
        var at = addr
        while at < end {
            let next = geometry.addrEnd(level, at, end)
            result.append((at, next))
            at = next
        }
        return result
    }
}
