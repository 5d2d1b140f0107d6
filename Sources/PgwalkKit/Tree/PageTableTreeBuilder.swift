/// Builds a ``PageTableTree`` from a walk's callbacks (the module's stream
/// through ``StreamCallbackDriver``, or ``PageWalker`` over rebuilt tables).
///
/// It keeps the path of open tables, pgd down. Every callback names a
/// level and an address: the tables below that level, or that do not hold
/// the address, are closed into their parents first. An entry pointing to a
/// table opens it. A slot seen again (a resumed walk repeats the entries
/// above the resume address; a 4-level pgd slot that is none is reported
/// by `pgd_entry` and again as a hole) is counted once.
public struct PageTableTreeBuilder: LevelEntryOps, StreamReplayOps {
    /// Every entry callback and `pte_hole`: the tree has every level's tables.
    public var callbacks: Set<WalkCallback> {
        [.pgdEntry, .p4dEntry, .pudEntry, .pmdEntry, .pteEntry, .pteHole, .hugetlbEntry, .preVMA]
    }

    private let geometry: PagingGeometry
    private let pfnVisible: Bool
    /// The open tables, root first.
    private var path: [PageTableTree.Table]
    /// The pointer of each open table but the root.
    private var pointers: [(index: Int, raw: UInt64, info: EntryInfo)] = []
    private var hugetlb: [MappingRow] = []

    /// A builder for a walk of `geometry`; `pfnVisible` says whether the
    /// stream carries PFNs (they fold runs as in ``MappingRow``).
    public init(geometry: PagingGeometry, pfnVisible: Bool) {
        self.geometry = geometry
        self.pfnVisible = pfnVisible
        path = [PageTableTree.Table(level: .pgd, start: 0, frame: nil)]
    }

    /// The tree, every table closed. Call after the walk.
    public mutating func finish() -> PageTableTree {
        while path.count > 1 { close() }
        var tree = PageTableTree(root: path[0])
        tree.hugetlb = hugetlb
        return tree
    }

    private func unfolded(below level: PageTableLevel) -> PageTableLevel? {
        var next = level.below
        while let l = next, geometry.isFolded(l) { next = l.below }
        return next
    }

    private func tableStart(_ level: PageTableLevel, _ addr: UInt64) -> UInt64 {
        let span = geometry.tableSpan(level)
        return span == 0 ? 0 : addr & ~(span &- 1)
    }

    private mutating func close() {
        let table = path.removeLast()
        let pointer = pointers.removeLast()
        path[path.count - 1].items.append(.table(PageTableTree.Pointer(
            index: pointer.index, raw: pointer.raw, info: pointer.info, table: table)))
    }

    /// Makes the open table at `level` the one holding `addr`; false if the
    /// walk shows no table of that level there (then the observation is
    /// dropped: it cannot be placed).
    private mutating func open(_ level: PageTableLevel, _ addr: UInt64) -> Bool {
        while path.count > 1, let top = path.last,
              top.level > level || top.start != tableStart(top.level, addr) {
            close()
        }
        return path.last?.level == level
    }

    /// The slot `index` was already seen in the open table: reopen the
    /// table it points to, if any, so that what follows goes there again.
    private mutating func revisit(_ index: Int) {
        let last = path.count - 1
        guard case .table(let pointer)? = path[last].items.last, pointer.index == index else { return }
        path[last].items.removeLast()
        pointers.append((pointer.index, pointer.raw, pointer.info))
        path.append(pointer.table)
    }

    private mutating func observe(_ level: PageTableLevel, _ entry: PageTableEntry, addr: UInt64, next: UInt64,
                                  entries: UInt64 = 1, vma: VMA?) {
        guard open(level, addr) else { return }
        let index = geometry.index(level, addr)
        let last = path.count - 1
        if let seen = path[last].lastIndex, index <= seen {
            revisit(index)
            return
        }
        path[last].firstIndex = path[last].firstIndex ?? index
        path[last].lastIndex = index + Int(entries) - 1
        let info = entry.info
        switch info.kind {
        case .none: path[last].counts.none += entries
        case .present where level != .pte && info.isLeaf: path[last].counts.huge += entries
        case .present: path[last].counts.present += entries
        default: path[last].counts.nonPresent += entries
        }
        if info.isTable && level != .pte, let below = unfolded(below: level) {
            pointers.append((index, entry.raw, info))
            path.append(PageTableTree.Table(level: below, start: geometry.entryStart(level, addr),
                                            frame: info.payload))
            return
        }
        let row = MappingRow(start: addr, end: next, placement: .level(level), kind: info.kind,
                             flags: info.flags.subtracting(.leaf), swapType: info.swapType,
                             payload: firstPayload(info, level: level, addr: addr),
                             payloadStep: step(info.kind), vmaStart: vma?.start, raw: entry.raw,
                             entryCount: entries)
        if case .run(let previous, let first)? = path[last].items.last,
           let joined = previous.joined(with: row, pageShift: geometry.pageShift) {
            path[last].items[path[last].items.count - 1] = .run(joined, firstIndex: first)
        } else {
            path[last].items.append(.run(row, firstIndex: index))
        }
    }

    private func step(_ kind: EntryKind) -> UInt64 {
        guard pfnVisible else { return 0 }
        switch kind {
        case .present, .migration, .device, .hwpoison, .swap: return 1
        case .none, .marker, .other: return 0
        }
    }

    /// A leaf's payload at `addr`, which may lie inside the entry (a walk
    /// that started within a huge page).
    private func firstPayload(_ info: EntryInfo, level: PageTableLevel, addr: UInt64) -> UInt64 {
        guard step(info.kind) == 1 else { return info.payload }
        return info.payload &+ ((addr &- geometry.entryStart(level, addr)) >> UInt64(geometry.pageShift))
    }

    public mutating func levelEntry(_ level: PageTableLevel, _ e: PageTableEntry, addr: UInt64, next: UInt64,
                                    walk: inout WalkContext) -> Int32 {
        walk.action = e.info.isTable || e.isNone ? .subtree : .continue
        // A folded level is the same slot as the level it is folded into.
        if !geometry.isFolded(level) {
            observe(level, e, addr: addr, next: next, vma: walk.vma)
        }
        return 0
    }

    public mutating func pteNoneRun(addr: UInt64, count: Int, walk: inout WalkContext) -> Int32 {
        observe(.pte, .none(.pte), addr: addr, next: addr &+ UInt64(count) << UInt64(geometry.pageShift),
                entries: UInt64(count), vma: walk.vma)
        return 0
    }

    public mutating func pteHole(addr: UInt64, next: UInt64, depth: HoleDepth, walk: inout WalkContext) -> Int32 {
        if let level = depth.level {
            observe(level, .none(level), addr: addr, next: next, vma: walk.vma)
        } else if let vma = walk.vma, vma.isHugetlb, vma.contains(addr) {
            addHugetlb(MappingRow(start: addr, end: next, placement: .hugetlb(pageSize: vma.hugePageSize ?? 2 << 20),
                                  kind: .none, flags: [], swapType: 0, payload: 0, payloadStep: 0, vmaStart: vma.start))
        }
        return 0
    }

    public mutating func hugetlbEntry(_ e: PageTableEntry, hmask: UInt64, addr: UInt64, next: UInt64,
                                      walk: inout WalkContext) -> Int32 {
        let info = e.info
        var payload = info.payload
        if step(info.kind) == 1 { payload &+= (addr & ~hmask) >> UInt64(geometry.pageShift) }
        addHugetlb(MappingRow(start: addr, end: next, placement: .hugetlb(pageSize: ~hmask &+ 1), kind: info.kind,
                              flags: info.flags.subtracting(.leaf), swapType: info.swapType, payload: payload,
                              payloadStep: step(info.kind), vmaStart: walk.vma?.start, raw: e.raw))
        return 0
    }

    private mutating func addHugetlb(_ row: MappingRow) {
        if let previous = hugetlb.last, let joined = previous.joined(with: row, pageShift: geometry.pageShift) {
            hugetlb[hugetlb.count - 1] = joined
        } else {
            hugetlb.append(row)
        }
    }
}
