/// Any ops, walked as pgwalk.ko walks: the same callbacks, the same
/// actions, so that the walker model shows what the module's stream shows.
///
/// Left to itself the model does what the kernel does with the ops it is
/// given: an entry callback that leaves `walk.action` at SUBTREE on a huge
/// PMD or PUD, with `pte_entry` set, makes the walker split the huge page
/// (and, for a file VMA, zap it: the kernel refaults it later). The module
/// never splits. Wrapped in this, `base` sees:
///
/// - every callback it lists in its ``PageWalkOps/callbacks`` (the walker
///   is told all ten are set, as the module sets them, so the descent is the
///   module's whatever `base` lists);
/// - `pud_entry` and `pmd_entry` answered as the module answers them after
///   `base` ran: SUBTREE for a present entry pointing to a table, CONTINUE
///   for a huge leaf or a non-present entry (``WalkAction/module(for:)``),
///   so no huge page is split;
/// - `test_walk`: a VM_PFNMAP VMA is skipped (1), as the module skips it,
///   unless `base` lists `test_walk` and fails or skips first.
///
/// A nonzero result from `base` stops the walk, as in the kernel.
public struct ModuleLikeOps<Base: PageWalkOps>: PageWalkOps {
    /// The wrapped ops, with what it gathered.
    public var base: Base

    /// The callbacks `base` lists, asked once: ops may compute theirs.
    private let listed: Set<WalkCallback>

    /// `base`, to be walked as the module walks.
    public init(_ base: Base) {
        self.base = base
        self.listed = base.callbacks
    }

    /// All ten, as the module sets them.
    public var callbacks: Set<WalkCallback> { Set(WalkCallback.allCases) }

    private func lists(_ callback: WalkCallback) -> Bool { listed.contains(callback) }

    private static func decided(_ result: Int32, _ entry: PageTableEntry, _ walk: inout WalkContext) -> Int32 {
        walk.action = .module(for: entry)
        return result
    }

    public mutating func pgdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        let result = lists(.pgdEntry) ? base.pgdEntry(entry, addr: addr, next: next, walk: &walk) : 0
        return Self.decided(result, entry, &walk)
    }

    public mutating func p4dEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        let result = lists(.p4dEntry) ? base.p4dEntry(entry, addr: addr, next: next, walk: &walk) : 0
        return Self.decided(result, entry, &walk)
    }

    public mutating func pudEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        let result = lists(.pudEntry) ? base.pudEntry(entry, addr: addr, next: next, walk: &walk) : 0
        return Self.decided(result, entry, &walk)
    }

    public mutating func pmdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        let result = lists(.pmdEntry) ? base.pmdEntry(entry, addr: addr, next: next, walk: &walk) : 0
        return Self.decided(result, entry, &walk)
    }

    public mutating func pteEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        lists(.pteEntry) ? base.pteEntry(entry, addr: addr, next: next, walk: &walk) : 0
    }

    public mutating func pteHole(addr: UInt64, next: UInt64, depth: HoleDepth, walk: inout WalkContext) -> Int32 {
        lists(.pteHole) ? base.pteHole(addr: addr, next: next, depth: depth, walk: &walk) : 0
    }

    public mutating func hugetlbEntry(_ entry: PageTableEntry, hmask: UInt64, addr: UInt64, next: UInt64,
                                      walk: inout WalkContext) -> Int32 {
        lists(.hugetlbEntry) ? base.hugetlbEntry(entry, hmask: hmask, addr: addr, next: next, walk: &walk) : 0
    }

    public mutating func testWalk(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 {
        let result = lists(.testWalk) ? base.testWalk(start: start, end: end, walk: &walk) : 0
        if result != 0 { return result }
        return walk.vma?.flags.contains(.pfnMap) == true ? 1 : 0
    }

    public mutating func preVMA(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 {
        lists(.preVMA) ? base.preVMA(start: start, end: end, walk: &walk) : 0
    }

    public mutating func postVMA(walk: inout WalkContext) {
        if lists(.postVMA) { base.postVMA(walk: &walk) }
    }
}

extension WalkAction {
    /// The action pgwalk.ko's entry callbacks set for `entry`
    /// (kmod/pgwalk_walk.c, FORMAT.md 5.8): SUBTREE at the pgd and p4d
    /// levels (the walker descends there whatever the action); below them
    /// SUBTREE for a present entry pointing to a table and CONTINUE for a
    /// huge leaf or a non-present entry, so that nothing is split.
    public static func module(for entry: PageTableEntry) -> WalkAction {
        switch entry.level {
        case .pgd, .p4d: return .subtree
        case .pud, .pmd, .pte: return entry.isPresent && !entry.isLeaf ? .subtree : .continue
        }
    }
}
