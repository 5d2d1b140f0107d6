/// Walk ops that behave like pgwalk.ko's (FORMAT.md 5.8) and record what the
/// walker asks of them as ``WalkEvent``s.
///
/// - All ten callbacks are set.
/// - `pgd_entry` and `p4d_entry` always set SUBTREE (the walker descends
///   there whatever the action; the module states what happens).
/// - `pud_entry` and `pmd_entry` set SUBTREE for a present entry pointing to
///   a table and CONTINUE for anything else (huge leaf, non-present). The
///   module also answers CONTINUE for `p?d_bad()` entries, which the info
///   word does not describe; such entries do not occur in a healthy process.
/// - `test_walk` returns 1 for `VM_PFNMAP` VMAs, 0 otherwise.
/// - Stops are replayed from the trace: when the callback and address of the
///   next pending STOP come up, the call records the stop and returns 1
///   (`-ENOBUFS` for `test_walk`). The address of a stopping call is its
///   `addr` argument (`start` for `test_walk` and `pre_vma`; the VMA's start
///   for `post_vma`, which cannot stop the walk).
///
/// Only the stop points come from the trace; every other decision is the
/// module's rule applied to the rebuilt tables, so the replay checks the
/// walker and not the trace against itself.
public struct ModuleReplayOps: PageWalkOps {
    public var callbacks: Set<WalkCallback> { Set(WalkCallback.allCases) }

    /// What the walker called, in order.
    public private(set) var events: [WalkEvent] = []
    /// STOPs not reproduced yet.
    public private(set) var pendingStops: [StopRecord]

    /// Ops that stop where the trace's `stops` stopped, in order.
    public init(stops: [StopRecord]) {
        self.pendingStops = stops
    }

    /// The module's action for an entry (kmod/pgwalk_walk.c).
    public static func action(for entry: PageTableEntry) -> WalkAction { .module(for: entry) }

    private mutating func stops(_ callback: WalkCallback, _ addr: UInt64) -> Bool {
        guard let next = pendingStops.first, next.callback == callback, next.addr == addr else { return false }
        pendingStops.removeFirst()
        events.append(.stop(callback: callback, addr: addr))
        return true
    }

    private mutating func entryCallback(_ entry: PageTableEntry, _ addr: UInt64, _ next: UInt64, _ walk: inout WalkContext) -> Int32 {
        if stops(.entry(at: entry.level), addr) { return 1 }
        walk.action = Self.action(for: entry)
        events.append(.entry(level: entry.level, addr: addr, next: next, raw: entry.raw, info: entry.info, action: walk.action))
        return 0
    }

    public mutating func pgdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        entryCallback(entry, addr, next, &walk)
    }

    public mutating func p4dEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        entryCallback(entry, addr, next, &walk)
    }

    public mutating func pudEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        entryCallback(entry, addr, next, &walk)
    }

    public mutating func pmdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        entryCallback(entry, addr, next, &walk)
    }

    public mutating func pteEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        if stops(.pteEntry, addr) { return 1 }
        events.append(.pte(addr: addr, raw: entry.raw, info: entry.info))
        return 0
    }

    public mutating func pteHole(addr: UInt64, next: UInt64, depth: HoleDepth, walk: inout WalkContext) -> Int32 {
        if stops(.pteHole, addr) { return 1 }
        events.append(.hole(addr: addr, next: next, depth: depth))
        return 0
    }

    public mutating func hugetlbEntry(_ entry: PageTableEntry, hmask: UInt64, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        if stops(.hugetlbEntry, addr) { return 1 }
        events.append(.hugetlb(addr: addr, next: next, hmask: hmask, raw: entry.raw, info: entry.info))
        return 0
    }

    public mutating func testWalk(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 {
        if stops(.testWalk, start) { return LinuxErrno.noBufferSpace }
        let result: Int32 = walk.vma?.flags.contains(.pfnMap) == true ? 1 : 0
        events.append(.testWalk(start: start, end: end, result: Int64(result)))
        return result
    }

    public mutating func preVMA(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 {
        if stops(.preVMA, start) { return 1 }
        events.append(.preVMA(vmStart: walk.vma!.start, vmEnd: walk.vma!.end))
        return 0
    }

    public mutating func postVMA(walk: inout WalkContext) {
        let vma = walk.vma!
        if stops(.postVMA, vma.start) { return }
        events.append(.postVMA(vmStart: vma.start, vmEnd: vma.end))
    }
}
