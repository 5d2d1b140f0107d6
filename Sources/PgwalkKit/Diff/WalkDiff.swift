/// What changed between two walks of one address space, page by page,
/// summarised per VMA: the model behind `pgwalkctl diff`, apart from how it
/// is printed (``WalkDiffTableRenderer``, ``WalkDiffJSONRenderer``).
///
/// The two walks are compared at every boundary of either's rows, so each
/// stretch compared is mapped uniformly on both sides and its pages all
/// changed the same way (their frames advance together); stretches that
/// changed alike and continue one another form one ``ChangeRun``.
public struct WalkDiff: Sendable {
    /// How a VMA of the second walk relates to the first.
    public enum VMAStatus: String, Sendable {
        /// Same bounds, permissions, flags and name.
        case unchanged
        /// Only in the second walk.
        case added
        /// Only in the first walk.
        case removed
        /// In both, starting at the same address, but its end, permissions,
        /// flags or name differ.
        case changed
    }

    /// One VMA with what changed in it.
    public struct VMAChanges: Sendable {
        /// The VMA in the first walk (nil when added).
        public var before: VMA?
        /// The VMA in the second walk (nil when removed).
        public var after: VMA?
        /// Whether the VMA was added, removed, changed or is the same.
        public var status: VMAStatus
        /// The runs of pages that changed, in address order.
        public var runs: [ChangeRun] = []
        /// Pages changed, by kind of change.
        public var pages: [PageChange: UInt64] = [:]

        /// The VMA as it is now, or as it was if removed.
        public var vma: VMA { after ?? before! }
    }

    /// The first walk.
    public let before: WalkDescription
    /// The second walk.
    public let after: WalkDescription
    /// Whether frames were compared: both walks show PFNs. Without them a
    /// new frame cannot be told from the old one.
    public let framesCompared: Bool
    /// The VMAs that changed or hold changed pages, in address order.
    public private(set) var vmas: [VMAChanges] = []
    /// Pages changed over all VMAs, by kind of change.
    public private(set) var totals: [PageChange: UInt64] = [:]

    /// Why two walks cannot be compared.
    public struct Mismatch: Error, CustomStringConvertible {
        public var description: String
    }

    /// The differences between walk `a` and walk `b`. Throws when the two are
    /// not of the same process and range.
    public init(before a: CollectedWalk, after b: CollectedWalk) throws(Mismatch) {
        guard a.description.geometry == b.description.geometry else {
            throw Mismatch(description: "the walks have different paging geometries (\(a.description.geometry) and \(b.description.geometry)): they are not of one address space")
        }
        before = a.description
        after = b.description
        framesCompared = a.description.pfnVisible && b.description.pfnVisible
        let pageShift = a.description.geometry.pageShift

        var byStart = Self.pairVMAs(before: a.vmas, after: b.vmas)
        var pending: (run: ChangeRun, key: UInt64)?
        func flush() {
            guard let (run, key) = pending else { return }
            byStart[key]?.runs.append(run)
            pending = nil
        }

        var boundaries = Set<UInt64>()
        for row in a.rows { boundaries.insert(row.start); boundaries.insert(row.end) }
        for row in b.rows { boundaries.insert(row.start); boundaries.insert(row.end) }
        let points = boundaries.sorted()
        var ia = 0
        var ib = 0
        for index in points.indices.dropLast() {
            let from = points[index]
            let to = points[index + 1]
            while ia < a.rows.count, a.rows[ia].end <= from { ia += 1 }
            while ib < b.rows.count, b.rows[ib].end <= from { ib += 1 }
            let rowA = ia < a.rows.count && a.rows[ia].start <= from ? a.rows[ia].clipped(from: from, to: to, pageShift: pageShift) : nil
            let rowB = ib < b.rows.count && b.rows[ib].start <= from ? b.rows[ib].clipped(from: from, to: to, pageShift: pageShift) : nil
            guard let key = rowB?.vmaStart ?? rowA?.vmaStart,
                  let (change, set, cleared) = Self.classify(rowA, rowB, framesCompared: framesCompared) else {
                flush()
                continue
            }
            let run = ChangeRun(start: from, end: to, change: change, before: rowA, after: rowB,
                                flagsSet: set, flagsCleared: cleared)
            if var current = pending?.run, pending?.key == key, current.end == from,
               current.change == change, current.flagsSet == set, current.flagsCleared == cleared,
               Self.continues(current.before, rowA, pageShift: pageShift),
               Self.continues(current.after, rowB, pageShift: pageShift) {
                current.end = to
                current.before?.end = to
                current.after?.end = to
                pending = (current, key)
            } else {
                flush()
                pending = (run, key)
            }
        }
        flush()

        for key in byStart.keys.sorted() {
            guard var entry = byStart[key] else { continue }
            for run in entry.runs {
                entry.pages[run.change, default: 0] += run.pageCount(pageShift: pageShift)
                totals[run.change, default: 0] += run.pageCount(pageShift: pageShift)
            }
            if entry.status != .unchanged || !entry.runs.isEmpty { vmas.append(entry) }
        }
    }

    private static func continues(_ current: MappingRow?, _ next: MappingRow?, pageShift: Int) -> Bool {
        switch (current, next) {
        case (nil, nil): return true
        case let (current?, next?): return current.isContinued(by: next, pageShift: pageShift)
        default: return false
        }
    }

    /// The VMAs of both walks keyed by start: the second walk's, with the
    /// first walk's VMA of the same start beside it, then the first walk's
    /// VMAs whose start the second lacks (removed).
    private static func pairVMAs(before: [VMA], after: [VMA]) -> [UInt64: VMAChanges] {
        var old: [UInt64: VMA] = [:]
        for vma in before { old[vma.start] = vma }
        var result: [UInt64: VMAChanges] = [:]
        for vma in after {
            if let was = old.removeValue(forKey: vma.start) {
                let same = was.end == vma.end && was.flags == vma.flags && was.name == vma.name
                    && was.backing == vma.backing
                result[vma.start] = VMAChanges(before: was, after: vma, status: same ? .unchanged : .changed)
            } else {
                result[vma.start] = VMAChanges(before: nil, after: vma, status: .added)
            }
        }
        for (start, vma) in old {
            result[start] = VMAChanges(before: vma, after: nil, status: .removed)
        }
        return result
    }

    /// The change of the pages of `a` (before) into those of `b` (after),
    /// both clipped to one stretch; nil when they are alike.
    static func classify(_ a: MappingRow?, _ b: MappingRow?, framesCompared: Bool)
        -> (PageChange, set: EntryFlags, cleared: EntryFlags)? {
        let kindA = a?.kind ?? .none
        let kindB = b?.kind ?? .none
        if kindA == .none && kindB == .none { return nil }
        if kindA == .none || kindB == .none {
            if kindB == .present { return (.mapped, [], []) }
            if kindA == .present { return (.unmapped, [], []) }
            return (.other, [], [])
        }
        let a = a!, b = b!
        let set = b.flags.subtracting(a.flags)
        let cleared = a.flags.subtracting(b.flags)
        switch (kindA, kindB) {
        case (.present, .present):
            let hugeA = a.placement.isHugeLeaf
            let hugeB = b.placement.isHugeLeaf
            if hugeA && !hugeB { return (.thpSplit, set, cleared) }
            if !hugeA && hugeB { return (.thpCollapsed, set, cleared) }
            if framesCompared && a.payload != b.payload {
                let writableA = a.flags.contains(.write)
                let writableB = b.flags.contains(.write)
                let change: PageChange = writableA == writableB ? .migrated : (writableB ? .cowBroken : .ksmMerged)
                return (change, set, cleared)
            }
        case (.present, .swap):
            return (.swappedOut, set, cleared)
        case (.swap, .present):
            return (.swappedIn, set, cleared)
        default:
            if kindA != kindB { return (.other, set, cleared) }
            let payloadsShown = framesCompared || kindA == .marker
            if payloadsShown && (a.payload != b.payload || a.swapType != b.swapType) { return (.other, set, cleared) }
        }
        if a.flags != b.flags { return (.flagsChanged, set, cleared) }
        if a.placement != b.placement { return (.other, set, cleared) }
        return nil
    }
}

extension MappingRow.Placement {
    /// A PMD or PUD leaf: a transparent huge page (hugetlb pages never split).
    var isHugeLeaf: Bool {
        switch self {
        case .level(let level): return level == .pmd || level == .pud
        case .hugetlb: return false
        }
    }
}
