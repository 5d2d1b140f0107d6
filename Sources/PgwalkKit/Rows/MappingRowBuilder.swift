/// A consumer written once as ``PageWalkOps``: it turns any walk (the
/// module's stream, pagemap-derived tables, a snapshot) into
/// ``MappingRow``s, handing each finished row to `emit`.
///
/// Leaves come from `pte_entry`, huge `pmd_entry`/`pud_entry` leaves and
/// `hugetlb_entry`; holes inside a VMA become `.none` rows at the level the
/// walker reports (its depth). Holes outside VMAs are not rows.
public struct MappingRowBuilder: StreamReplayOps {
    /// The callbacks rows need: entries at the pud, pmd and pte levels, holes,
    /// hugetlb entries and the VMA callbacks. Computed, not stored: only
    /// ``PageWalker`` asks, and building a `Set<WalkCallback>` costs a
    /// conformance lookup that a walk of the module's stream then never pays
    /// (docs/BENCH.md, change 14).
    public var callbacks: Set<WalkCallback> {
        [.pudEntry, .pmdEntry, .pteEntry, .pteHole, .hugetlbEntry, .testWalk, .preVMA, .postVMA]
    }

    private let pfnVisible: Bool
    private let pageShift: Int
    private var pending: MappingRow?
    private let emit: (MappingRow) -> Void
    /// VMAs seen, in order, handed to `vmaStarted`.
    private let vmaStarted: (VMA) -> Void

    /// A builder that reports each VMA it enters to `vmaStarted` and each
    /// finished row to `emit`. `pfnVisible` false folds rows on equal payloads;
    /// `pageShift` is the walk's page size.
    public init(pfnVisible: Bool, pageShift: Int = 12,
                vmaStarted: @escaping (VMA) -> Void = { _ in },
                emit: @escaping (MappingRow) -> Void) {
        self.pfnVisible = pfnVisible
        self.pageShift = pageShift
        self.emit = emit
        self.vmaStarted = vmaStarted
    }

    /// Emits the row still being built. Call after the walk.
    public mutating func finish() {
        if let row = pending { emit(row) }
        pending = nil
    }

    private func step(for kind: EntryKind) -> UInt64 {
        guard pfnVisible else { return 0 }
        switch kind {
        case .present, .migration, .device, .hwpoison, .swap: return 1
        case .none, .marker, .other: return 0
        }
    }

    private mutating func add(start: UInt64, end: UInt64, placement: MappingRow.Placement,
                              info: EntryInfo, firstPayload: UInt64, vmaStart: UInt64?,
                              raw: UInt64 = 0, rawStep: UInt64 = 0, entries: UInt64 = 1) {
        add(row(start: start, end: end, placement: placement, info: info, firstPayload: firstPayload,
                vmaStart: vmaStart, raw: raw, rawStep: rawStep, entries: entries))
    }

    private func row(start: UInt64, end: UInt64, placement: MappingRow.Placement, info: EntryInfo,
                     firstPayload: UInt64, vmaStart: UInt64?, raw: UInt64, rawStep: UInt64,
                     entries: UInt64) -> MappingRow {
        // Flags that only say what kind of entry this is are not row flags.
        MappingRow(start: start, end: end, placement: placement, kind: info.kind,
                   flags: info.flags.subtracting(.leaf), swapType: info.swapType,
                   payload: firstPayload, payloadStep: step(for: info.kind),
                   vmaStart: vmaStart, raw: raw, rawStep: entries > 1 ? rawStep : 0, entryCount: entries)
    }

    private mutating func add(_ row: MappingRow) {
        if let current = pending, let joined = current.joined(with: row, pageShift: pageShift) {
            pending = joined
            return
        }
        if let current = pending { emit(current) }
        pending = row
    }

    /// A leaf covering [addr, next) whose entry maps from `entryStart`:
    /// the payload advances to the clipped start.
    private mutating func addLeaf(_ entry: PageTableEntry, entryStart: UInt64, addr: UInt64, next: UInt64,
                                  placement: MappingRow.Placement, vmaStart: UInt64?) {
        let info = entry.info
        var first = info.payload
        if step(for: info.kind) == 1 { first &+= (addr &- entryStart) >> UInt64(pageShift) }
        add(start: addr, end: next, placement: placement, info: info, firstPayload: first, vmaStart: vmaStart,
            raw: entry.raw)
    }

    public mutating func pudEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        leafAbove(.pud, entry, addr: addr, next: next, walk: &walk)
    }

    public mutating func pmdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        leafAbove(.pmd, entry, addr: addr, next: next, walk: &walk)
    }

    /// A PUD or PMD that is not a table is a mapping of its own (THP, a
    /// migration entry); report it and do not descend, as the module does.
    private mutating func leafAbove(_ level: PageTableLevel, _ entry: PageTableEntry, addr: UInt64, next: UInt64,
                                    walk: inout WalkContext) -> Int32 {
        if entry.info.isTable || entry.isNone {
            walk.action = .subtree
            return 0
        }
        addLeaf(entry, entryStart: walk.geometry.entryStart(level, addr), addr: addr, next: next,
                placement: .level(level), vmaStart: walk.vma?.start)
        walk.action = .continue
        return 0
    }

    public mutating func pteEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        addLeaf(entry, entryStart: addr, addr: addr, next: next, placement: .level(.pte), vmaStart: walk.vma?.start)
        return 0
    }

    /// `count` none PTEs from `addr`: the row `count` pteEntry calls would
    /// build (none entries merge on their own), in one step.
    public mutating func pteNoneRun(addr: UInt64, count: Int, walk: inout WalkContext) -> Int32 {
        add(start: addr, end: addr &+ UInt64(count) << UInt64(pageShift), placement: .level(.pte), info: .none,
            firstPayload: 0, vmaStart: walk.vma?.start, entries: UInt64(count))
        return 0
    }

    /// A PTE_SEQ whose pages differ only in a payload that advances as a
    /// row's does is one row step; any other sequence is replayed entry by
    /// entry (e.g. the zero page mapped again and again, where a present
    /// row's PFN would have to advance).
    public mutating func pteSequence(_ sequence: PTESeqRecord, walk: inout WalkContext) -> Int32 {
        let info = sequence.first.info
        let pageSize = walk.geometry.pageSize
        guard sequence.advancesPayloadOnly(by: step(for: info.kind)) else {
            return sequence.forEachEntry(pageSize: pageSize) { pteEntry($0, addr: $1, next: $1 &+ pageSize, walk: &walk) }
        }
        let whole = row(start: sequence.addr, end: sequence.end(pageSize: pageSize), placement: .level(.pte),
                        info: info, firstPayload: info.payload, vmaStart: walk.vma?.start,
                        raw: sequence.first.raw, rawStep: sequence.rawStep, entries: UInt64(sequence.count))
        // Entry by entry, the first element might join the pending row and
        // the rest start another: then the rows are those of the replay.
        if let current = pending, current.joined(with: whole, pageShift: pageShift) == nil,
           current.joined(with: row(start: sequence.addr, end: sequence.addr &+ pageSize, placement: .level(.pte),
                                    info: info, firstPayload: info.payload, vmaStart: walk.vma?.start,
                                    raw: sequence.first.raw, rawStep: 0, entries: 1), pageShift: pageShift) != nil {
            return sequence.forEachEntry(pageSize: pageSize) { pteEntry($0, addr: $1, next: $1 &+ pageSize, walk: &walk) }
        }
        add(whole)
        return 0
    }

    public mutating func pteHole(addr: UInt64, next: UInt64, depth: HoleDepth, walk: inout WalkContext) -> Int32 {
        guard let vma = walk.vma, vma.contains(addr) else { return 0 }
        let placement: MappingRow.Placement
        if let level = depth.level {
            placement = .level(level)
        } else if vma.isHugetlb {
            placement = .hugetlb(pageSize: vma.hugePageSize ?? (2 << 20))
        } else {
            return 0
        }
        add(start: addr, end: next, placement: placement, info: .none, firstPayload: 0, vmaStart: vma.start)
        return 0
    }

    public mutating func hugetlbEntry(_ entry: PageTableEntry, hmask: UInt64, addr: UInt64, next: UInt64,
                                      walk: inout WalkContext) -> Int32 {
        addLeaf(entry, entryStart: addr & hmask, addr: addr, next: next,
                placement: .hugetlb(pageSize: ~hmask &+ 1), vmaStart: walk.vma?.start)
        return 0
    }

    public mutating func testWalk(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 {
        // Only VMAs that are not walked are announced here; the rest are
        // announced by pre_vma, which follows.
        guard let vma = walk.vma, vma.flags.contains(.pfnMap) || vma.flags.contains(.notWalked) else {
            return 0
        }
        finish()
        vmaStarted(vma)
        return 1
    }

    public mutating func preVMA(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 {
        finish()
        if let vma = walk.vma { vmaStarted(vma) }
        return 0
    }

    public mutating func postVMA(walk: inout WalkContext) {
        finish()
    }
}
