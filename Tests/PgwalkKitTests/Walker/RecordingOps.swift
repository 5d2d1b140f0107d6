import Testing
@testable import PgwalkKit

/// Test ops: records every call as a ``WalkEvent`` (entry events carry the
/// action left on return), with configurable callbacks, actions and results.
struct RecordingOps: PageWalkOps {
    var callbacks: Set<WalkCallback>
    var events: [WalkEvent] = []
    /// The action to set for an entry; nil leaves `walk.action` untouched.
    var action: (PageTableEntry, _ addr: UInt64, _ callNumber: Int) -> WalkAction? = { _, _, _ in nil }
    /// The action `pte_entry` leaves in `walk.action` (nil: untouched).
    var pteAction: (_ addr: UInt64, _ callNumber: Int) -> WalkAction? = { _, _ in nil }
    /// `walk.action` as each hole found it.
    var holeActions: [WalkAction] = []
    /// The result of a call, given the event it recorded.
    var result: (WalkEvent) -> Int32 = { _ in 0 }
    /// `test_walk`'s result for a VMA.
    var testResult: (VMA) -> Int32 = { _ in 0 }
    /// VMAs seen in `walk.vma` at each hole (nil outside VMAs).
    var holeVMAs: [VMA?] = []

    init(_ callbacks: Set<WalkCallback> = Set(WalkCallback.allCases)) {
        self.callbacks = callbacks
    }

    private mutating func entry(_ entry: PageTableEntry, _ addr: UInt64, _ next: UInt64, _ walk: inout WalkContext) -> Int32 {
        if let action = action(entry, addr, events.count) { walk.action = action }
        let event = WalkEvent.entry(level: entry.level, addr: addr, next: next, raw: entry.raw, info: entry.info, action: walk.action)
        events.append(event)
        return result(event)
    }

    mutating func pgdEntry(_ e: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 { entry(e, addr, next, &walk) }
    mutating func p4dEntry(_ e: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 { entry(e, addr, next, &walk) }
    mutating func pudEntry(_ e: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 { entry(e, addr, next, &walk) }
    mutating func pmdEntry(_ e: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 { entry(e, addr, next, &walk) }

    mutating func pteEntry(_ e: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        #expect(next == addr + 0x1000)
        if let action = pteAction(addr, events.count) { walk.action = action }
        let event = WalkEvent.pte(addr: addr, raw: e.raw, info: e.info)
        events.append(event)
        return result(event)
    }

    mutating func pteHole(addr: UInt64, next: UInt64, depth: HoleDepth, walk: inout WalkContext) -> Int32 {
        let event = WalkEvent.hole(addr: addr, next: next, depth: depth)
        events.append(event)
        holeVMAs.append(walk.vma)
        holeActions.append(walk.action)
        return result(event)
    }

    mutating func hugetlbEntry(_ e: PageTableEntry, hmask: UInt64, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
        let event = WalkEvent.hugetlb(addr: addr, next: next, hmask: hmask, raw: e.raw, info: e.info)
        events.append(event)
        return result(event)
    }

    mutating func testWalk(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 {
        let value = testResult(walk.vma!)
        events.append(.testWalk(start: start, end: end, result: Int64(value)))
        return value
    }

    mutating func preVMA(start: UInt64, end: UInt64, walk: inout WalkContext) -> Int32 {
        let event = WalkEvent.preVMA(vmStart: walk.vma!.start, vmEnd: walk.vma!.end)
        events.append(event)
        return result(event)
    }

    mutating func postVMA(walk: inout WalkContext) {
        events.append(.postVMA(vmStart: walk.vma!.start, vmEnd: walk.vma!.end))
    }
}

/// The module's rule, for walker tests that want it.
func moduleAction(_ entry: PageTableEntry, _: UInt64, _: Int) -> WalkAction? {
    entry.isPresent && !entry.isLeaf ? .subtree : .continue
}
