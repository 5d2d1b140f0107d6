/// Builds the ``Translation`` of each asked-for address from a walk's
/// callbacks: driven by ``StreamCallbackDriver`` over the module's stream
/// (a live walk of one page, or a whole saved stream), or by ``PageWalker``
/// over rebuilt tables.
///
/// Every callback whose `[addr, next)` holds an address becomes that
/// address's step at the callback's level; a later call at a level replaces
/// what was known from that level down (the kernel walks top down, and a
/// resumed walk reports the same entries again).
public struct TranslationCollector: LevelEntryOps, StreamReplayOps {
    /// Every entry callback, holes and the VMA callbacks: the path at every level.
    public var callbacks: Set<WalkCallback> {
        [.pgdEntry, .p4dEntry, .pudEntry, .pmdEntry, .pteEntry, .pteHole, .hugetlbEntry, .testWalk, .preVMA]
    }

    /// In the order the addresses were asked for.
    public private(set) var translations: [Translation]

    /// A collector of the paths of `addresses` in a walk of `geometry`.
    public init(addresses: [UInt64], geometry: PagingGeometry, pfnVisible: Bool) {
        translations = addresses.map { Translation(address: $0, geometry: geometry, pfnVisible: pfnVisible) }
    }

    /// Calls `body` for each translation whose address is in `[addr, next)`.
    private mutating func forEach(in addr: UInt64, _ next: UInt64, _ body: (inout Translation) -> Void) {
        for index in translations.indices where translations[index].address >= addr
            && translations[index].address &- addr < next &- addr {
            body(&translations[index])
        }
    }

    private static func step(_ entry: PageTableEntry, at level: PageTableLevel, of t: Translation,
                             hugetlbPageSize: UInt64? = nil) -> Translation.Step {
        Translation.Step(level: level, index: t.geometry.index(level, t.address), raw: entry.raw, info: entry.info,
                         folded: t.geometry.isFolded(level), hugetlbPageSize: hugetlbPageSize)
    }

    public mutating func levelEntry(_ level: PageTableLevel, _ entry: PageTableEntry, addr: UInt64, next: UInt64,
                                    walk: inout WalkContext) -> Int32 {
        forEach(in: addr, next) { t in
            t.steps.removeAll { $0.level >= level }
            t.steps.append(Self.step(entry, at: level, of: t))
            let info = entry.info
            switch info.kind {
            case .none:
                t.outcome = level == .pte ? .nonePTE : .hole(depth: t.geometry.realDepth(level))
            case .present where !info.isLeaf:
                t.outcome = .stopped(level: level)
            case .present:
                t.outcome = .mapped(level: level, pageSize: t.geometry.entrySize(level), hugetlb: false)
            default:
                t.outcome = .notPresent(level: level, kind: info.kind, hugetlb: false)
            }
        }
        // As the module: descend into tables only.
        walk.action = entry.info.isTable || entry.isNone ? .subtree : .continue
        return 0
    }

    public mutating func pteNoneRun(addr: UInt64, count: Int, walk: inout WalkContext) -> Int32 {
        let end = addr &+ UInt64(count) << UInt64(walk.geometry.pageShift)
        forEach(in: addr, end) { t in
            t.steps.removeAll { $0.level >= .pte }
            t.steps.append(Self.step(.none(.pte), at: .pte, of: t))
            t.outcome = .nonePTE
        }
        return 0
    }

    public mutating func pteHole(addr: UInt64, next: UInt64, depth: HoleDepth, walk: inout WalkContext) -> Int32 {
        let vma = walk.vma
        forEach(in: addr, next) { t in
            guard let level = depth.level else {
                t.steps.removeAll()
                if let vma, vma.isHugetlb, vma.contains(t.address) {
                    t.outcome = .hugetlbHole
                } else {
                    t.vma = nil
                    t.outcome = .noVMA
                }
                return
            }
            // The entry at `level` is none; the stream has no value for it
            // unless its callback (a folded pgd) already gave one.
            t.steps.removeAll { $0.level > level || ($0.level == level && $0.info.kind != .none) }
            if t.step(level) == nil {
                t.steps.append(Translation.Step(level: level, index: t.geometry.index(level, t.address), raw: nil,
                                                info: .none, folded: false, hugetlbPageSize: nil))
            }
            t.outcome = .hole(depth: depth)
        }
        return 0
    }

    public mutating func hugetlbEntry(_ e: PageTableEntry, hmask: UInt64, addr: UInt64, next: UInt64,
                                      walk: inout WalkContext) -> Int32 {
        let size = ~hmask &+ 1
        forEach(in: addr, next) { t in
            // walk_hugetlb_range() calls no upper-level callback: the
            // hugetlb entry is the only step the walker shows.
            let level: PageTableLevel = size >= t.geometry.entrySize(.pud) ? .pud : .pmd
            t.steps = [Self.step(e, at: level, of: t, hugetlbPageSize: size)]
            switch e.info.kind {
            case .none: t.outcome = .hugetlbHole
            case .present: t.outcome = .mapped(level: level, pageSize: size, hugetlb: true)
            default: t.outcome = .notPresent(level: level, kind: e.info.kind, hugetlb: true)
            }
        }
        return 0
    }

    public mutating func testWalk(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 {
        guard let vma = walk.vma, vma.flags.contains(.pfnMap) || vma.flags.contains(.notWalked) else { return 0 }
        forEach(in: vma.start, vma.end) { t in
            t.vma = vma
            t.steps.removeAll()
            t.outcome = .notWalked
        }
        return 1
    }

    public mutating func preVMA(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 {
        if let vma = walk.vma {
            forEach(in: vma.start, vma.end) { $0.vma = vma }
        }
        return 0
    }
}
