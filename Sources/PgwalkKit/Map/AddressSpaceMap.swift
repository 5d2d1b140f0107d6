/// The address space of one walk laid out along one axis for
/// `pgwalkctl map`: to scale where something is mapped, compressed where it
/// is empty. The model only; ``AddressSpaceMapHTML`` draws it.
///
/// The axis runs from the first page (4 KiB) to the top of the user address
/// space. Empty stretches (outside every VMA, or inside one with nothing
/// mapped) longer than ``compressAbove`` bytes become *breaks* of a fixed
/// ``breakLength``; everything else is drawn at one scale, chosen so the
/// drawing stays within ``maxLength`` units (at most one unit per page).
/// Each VMA and each stretch drawn is at least ``minLength`` long, so nothing
/// walked disappears.
public struct AddressSpaceMap: Sendable {
    /// A stretch of the axis: addresses `[start, end)` drawn from `offset`
    /// for `length` units.
    public struct Piece: Hashable, Sendable {
        /// The first address of the stretch.
        public var start: UInt64
        /// The end of the stretch (exclusive).
        public var end: UInt64
        /// An empty stretch drawn short, not to scale.
        public var compressed: Bool
        /// Where the stretch starts on the axis, in units.
        public var offset: Double
        /// How long it is drawn, in units.
        public var length: Double
    }

    /// A run of pages mapped alike, with where it is drawn.
    public struct Run: Hashable, Sendable {
        /// The run's first address.
        public var start: UInt64
        /// The run's end (exclusive).
        public var end: UInt64
        /// How the run is coloured.
        public var mappingClass: MappingClass
        /// The row the run comes from.
        public var row: MappingRow
        /// Where the run starts on the axis, in units.
        public var offset: Double
        /// How long it is drawn, in units.
        public var length: Double
    }

    /// A VMA with where it is drawn.
    public struct Area: Hashable, Sendable {
        /// The VMA.
        public var vma: VMA
        /// Where the VMA starts on the axis, in units.
        public var offset: Double
        /// How long it is drawn, in units.
        public var length: Double
    }

    /// How long an empty stretch longer than ``compressAbove`` is drawn.
    public static let breakLength = 24.0
    /// The shortest any VMA or stretch is drawn, so nothing walked disappears.
    public static let minLength = 2.0

    /// The walk the map is of.
    public let description: WalkDescription
    /// The first address on the axis.
    public let start: UInt64
    /// The end of the axis: the top of the user address space.
    public let end: UInt64
    /// Empty stretches longer than this many bytes are drawn as breaks.
    public let compressAbove: UInt64
    /// Bytes per unit in the stretches drawn to scale.
    public private(set) var bytesPerUnit: Double = 4096
    /// The stretches of the axis, in order, covering it whole.
    public private(set) var pieces: [Piece] = []
    /// The runs of mapped pages, in address order.
    public private(set) var runs: [Run] = []
    /// The VMAs, in address order.
    public private(set) var areas: [Area] = []
    /// Bytes mapped, by class.
    public private(set) var totals: [MappingClass: UInt64] = [:]
    /// The axis's whole length, in units.
    public var length: Double { (pieces.last.map { $0.offset + $0.length }) ?? 0 }

    /// The map of `walk`, at most `maxLength` units long, with empty stretches
    /// longer than `compressAbove` bytes drawn as breaks.
    public init(walk: CollectedWalk, maxLength: Double = 48 * 1200, compressAbove: UInt64 = 1 << 21) {
        description = walk.description
        let pageSize = walk.description.geometry.pageSize
        start = pageSize
        end = walk.description.geometry.userAddressLimit
        self.compressAbove = compressAbove

        // The axis's stretches: what is mapped (rows other than none) and
        // VMA edges break it; the rest is empty.
        var cuts = Set<UInt64>([start, end])
        var mapped: [(UInt64, UInt64)] = []
        for vma in walk.vmas where vma.end > start && vma.start < end {
            cuts.insert(max(vma.start, start)); cuts.insert(min(vma.end, end))
            if vma.flags.contains(.notWalked) { mapped.append((vma.start, vma.end)) }
        }
        for row in walk.rows where row.end > start && row.start < end {
            cuts.insert(max(row.start, start)); cuts.insert(min(row.end, end))
            if row.kind != .none { mapped.append((row.start, row.end)) }
        }
        let points = cuts.sorted()
        mapped.sort { $0.0 < $1.0 }
        var stretches: [(start: UInt64, end: UInt64, empty: Bool)] = []
        var m = 0
        for i in points.indices.dropLast() {
            let s = points[i], e = points[i + 1]
            while m < mapped.count, mapped[m].1 <= s { m += 1 }
            let full = m < mapped.count && mapped[m].0 <= s
            stretches.append((s, e, !full))
        }
        let drawnBytes = stretches.reduce(0.0) { sum, p in
            sum + (p.empty && p.end - p.start > compressAbove ? 0 : Double(p.end - p.start))
        }
        bytesPerUnit = max(Double(pageSize), drawnBytes / maxLength)

        var offset = 0.0
        for p in stretches {
            let compressed = p.empty && p.end - p.start > compressAbove
            let length = compressed ? Self.breakLength : max(Self.minLength, Double(p.end - p.start) / bytesPerUnit)
            pieces.append(Piece(start: p.start, end: p.end, compressed: compressed, offset: offset, length: length))
            offset += length
        }
        for vma in walk.vmas where vma.end > start && vma.start < end {
            let a = position(of: max(vma.start, start))
            areas.append(Area(vma: vma, offset: a, length: position(of: min(vma.end, end)) - a))
        }
        for row in walk.rows where row.end > start && row.start < end {
            let s = max(row.start, start), e = min(row.end, end)
            let a = position(of: s)
            let mappingClass = MappingClass(row)
            runs.append(Run(start: s, end: e, mappingClass: mappingClass, row: row,
                            offset: a, length: position(of: e) - a))
            totals[mappingClass, default: 0] += e - s
        }
    }

    /// Where `address` is on the axis.
    public func position(of address: UInt64) -> Double {
        var low = 0, high = pieces.count
        while low < high {
            let mid = (low + high) / 2
            if pieces[mid].end <= address { low = mid + 1 } else { high = mid }
        }
        guard low < pieces.count else { return length }
        let piece = pieces[low]
        guard address > piece.start else { return piece.offset }
        return piece.offset + piece.length * Double(address - piece.start) / Double(piece.end - piece.start)
    }
}
