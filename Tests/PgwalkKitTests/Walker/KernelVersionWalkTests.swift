import Testing
@testable import PgwalkKit

/// ``PageTables`` whose PTE tables cannot be mapped the first
/// `failures[pmd slot]` times the walker tries (`pte_offset_map_lock()`
/// returning NULL: the table went away under a live walk).
struct UnmappablePTETables: PageTableSource {
    var tables: PageTables
    var failures: [UInt64: Int]

    var geometry: PagingGeometry { tables.geometry }
    func findVMA(_ address: UInt64) -> VMA? { tables.findVMA(address) }
    func entry(at level: PageTableLevel, address: UInt64) -> PageTableEntry { tables.entry(at: level, address: address) }
    func hugetlbEntry(at address: UInt64, pageSize: UInt64) -> PageTableEntry? {
        tables.hugetlbEntry(at: address, pageSize: pageSize)
    }
    func mapsPTETable(at address: UInt64, attempt: Int) -> Bool { attempt >= failures[address, default: 0] }
}

/// Where the kernels' walkers differ (WalkerSemantics, docs/WALKER.md): the
/// same tables and ops, a different sequence of calls per kernel. Each
/// expected sequence was worked out by hand from that kernel's
/// mm/pagewalk.c.
@Suite struct KernelVersionWalkTests {
    typealias F = StreamFixture
    typealias T = PageWalkerTests

    static func walk<S: PageTableSource>(_ source: S, _ semantics: WalkerSemantics, _ start: UInt64, _ end: UInt64,
                                         _ ops: inout RecordingOps) -> Int32 {
        PageWalker(source: source, semantics: semantics).walkPageRange(start: start, end: end, ops: &ops)
    }

    static let head: [WalkEvent] = [
        .testWalk(start: 0x40_0000, end: 0x40_2000, result: 0),
        .preVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
        T.entry(.pgd, T.pgdRaw, 0x40_0000, 0x40_2000),
        T.entry(.p4d, T.pgdRaw, 0x40_0000, 0x40_2000),
        T.entry(.pud, T.pudRaw, 0x40_0000, 0x40_2000),
    ]
    static let pmd = T.entry(.pmd, T.pmdRaw, 0x40_0000, 0x40_2000)
    static let ptes: [WalkEvent] = [
        .pte(addr: 0x40_0000, raw: T.leaf.raw, info: T.leaf.info),
        .pte(addr: 0x40_1000, raw: 0, info: .none),
    ]
    static let post = WalkEvent.postVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000)

    /// 6.1's walk_pte_range() maps the table unconditionally; from 6.5 a
    /// failed pte_offset_map_lock() sets ACTION_AGAIN and pmd_entry is
    /// called again for the same slot, once per failure.
    @Test(arguments: [1, 2])
    func pteOffsetMapFailing(times: Int) throws {
        let source = UnmappablePTETables(tables: try T.fourLevel(), failures: [0x40_0000: times])
        var old = RecordingOps()
        #expect(Self.walk(source, .linux6_1, 0x40_0000, 0x40_2000, &old) == 0)
        #expect(old.events == Self.head + [Self.pmd] + Self.ptes + [Self.post])

        for semantics in [WalkerSemantics.linux6_12, .linux7_3] {
            var new = RecordingOps()
            #expect(Self.walk(source, semantics, 0x40_0000, 0x40_2000, &new) == 0)
            let pmds = Array(repeating: Self.pmd, count: times + 1)
            #expect(new.events == Self.head + pmds + Self.ptes + [Self.post], "\(semantics)")
        }
    }

    /// An ACTION_AGAIN that pte_entry leaves: ignored by 6.1, the whole PMD
    /// slot again (pmd_entry, every PTE) from 6.5.
    @Test func againLeftByPTEEntry() throws {
        let tables = try T.fourLevel()
        func ops() -> RecordingOps {
            var ops = RecordingOps()
            ops.pteAction = { addr, call in addr == 0x40_0000 && call == 6 ? .again : nil }
            return ops
        }
        var old = ops()
        #expect(Self.walk(tables, .linux6_1, 0x40_0000, 0x40_2000, &old) == 0)
        #expect(old.events == Self.head + [Self.pmd] + Self.ptes + [Self.post])

        var new = ops()
        #expect(Self.walk(tables, .linux7_3, 0x40_0000, 0x40_2000, &new) == 0)
        #expect(new.events == Self.head + [Self.pmd] + Self.ptes + [Self.pmd] + Self.ptes + [Self.post])
    }

    /// A non-present, non-none PUD that pud_entry lets the walker descend
    /// into: 6.1 walks the PMDs under it (here none: a hole); 6.12 and 7.3
    /// find it is not a present table in walk_pmd_range() and call pud_entry
    /// again (which now says CONTINUE).
    @Test func descendingIntoANonPresentPUD() throws {
        var tables = PageTables(geometry: .x86_64FourLevel)
        try tables.setVMA(T.vma1)
        tables.setEntry(F.table(.pgd, raw: T.pgdRaw), at: 0)
        let odd = PageTableEntry(level: .pud, raw: 0x2a_0000_0000_0000, info: EntryInfo(kind: .other))
        tables.setEntry(odd, at: 0x40_0000)
        func ops() -> RecordingOps {
            var ops = RecordingOps()
            // Events 0-3 are test_walk, pre_vma, pgd_entry, p4d_entry.
            ops.action = { entry, _, call in entry.level == .pud ? (call == 4 ? .subtree : .continue) : nil }
            return ops
        }
        let head = Array(Self.head.prefix(4))
        let pud = { (action: WalkAction) in
            WalkEvent.entry(level: .pud, addr: 0x40_0000, next: 0x40_2000, raw: odd.raw, info: odd.info, action: action)
        }
        var old = ops()
        #expect(Self.walk(tables, .linux6_1, 0x40_0000, 0x40_2000, &old) == 0)
        #expect(old.events == head + [pud(.subtree), .hole(addr: 0x40_0000, next: 0x40_2000, depth: HoleDepth(rawValue: 3)!),
                                      Self.post])

        for semantics in [WalkerSemantics.linux6_12, .linux7_3] {
            var new = ops()
            #expect(Self.walk(tables, semantics, 0x40_0000, 0x40_2000, &new) == 0)
            #expect(new.events == head + [pud(.subtree), pud(.continue), Self.post], "\(semantics)")
        }
    }

    /// A file THP that pmd_entry lets the walker split: the split zaps it
    /// and the slot starts again, finding a hole. What the hole sees in
    /// walk->action, and what happens after, depends on where the action is
    /// reset:
    /// - 6.1: pmd_trans_unstable() sends it back; the action is pmd_entry's.
    /// - 6.5 to 6.11 (and 6.12 before .84): the failed map's ACTION_AGAIN is
    ///   still there when pte_hole is called, but nothing looks at it after.
    /// - with the PUD re-check but not the reset (6.12.84 to .114): the
    ///   stale AGAIN escapes walk_pmd_range() and walk_pud_range() starts the
    ///   PUD again: pud_entry and the hole twice.
    /// - 6.12.117 and 7.3: reset before the none check; one hole, SUBTREE.
    @Test func aZappedFileTHPAndTheActionItLeaves() throws {
        var tables = PageTables(geometry: .x86_64FourLevel)
        let start: UInt64 = 0x40_0000, end: UInt64 = 0x60_0000
        try tables.setVMA(VMA(start: start, end: end, backing: .file, name: "/data/big"))
        tables.setEntry(F.table(.pgd, raw: T.pgdRaw), at: 0)
        tables.setEntry(F.table(.pud, raw: T.pudRaw), at: 0)
        let thp = F.leaf(.pmd, pfn: 0x200)
        tables.setEntry(thp, at: start)
        let pud = T.entry(.pud, T.pudRaw, start, end)
        let pmd = WalkEvent.entry(level: .pmd, addr: start, next: end, raw: thp.raw, info: thp.info, action: .subtree)
        let hole = WalkEvent.hole(addr: start, next: end, depth: HoleDepth(rawValue: 3)!)

        func run(_ semantics: WalkerSemantics) -> RecordingOps {
            var ops = RecordingOps([.pudEntry, .pmdEntry, .pteEntry, .pteHole])
            #expect(Self.walk(tables, semantics, start, end, &ops) == 0)
            return ops
        }
        let v61 = run(.linux6_1)
        #expect(v61.events == [pud, pmd, hole])
        #expect(v61.holeActions == [.subtree])

        let v66 = run(WalkerSemantics(linuxVersionCode: WalkerSemantics.versionCode(6, 6, 100)))
        #expect(v66.events == [pud, pmd, hole])
        #expect(v66.holeActions == [.again])

        let v612early = run(WalkerSemantics(linuxVersionCode: WalkerSemantics.versionCode(6, 12, 100)))
        #expect(v612early.events == [pud, pmd, hole, pud, hole])
        #expect(v612early.holeActions == [.again, .subtree])

        for semantics in [WalkerSemantics.linux6_12, .linux7_3] {
            let now = run(semantics)
            #expect(now.events == [pud, pmd, hole], "\(semantics)")
            #expect(now.holeActions == [.subtree], "\(semantics)")
        }
    }

    /// pgwalk's own ops never descend into anything but a present table, so
    /// none of the above reaches them: a walk of tables holding every kind
    /// of PMD and PUD makes the same calls with all three kernels' walkers.
    @Test func theModuleOpsMakeTheSameCallsEverywhere() throws {
        var tables = PageTables(geometry: .x86_64FourLevel)
        try tables.setVMA(VMA(start: 0x40_0000, end: 0x80_0000, backing: .file, name: "/data/big"))
        try tables.setVMA(VMA(start: 0x4000_0000, end: 0x8000_0000))
        tables.setEntry(F.table(.pgd, raw: T.pgdRaw), at: 0)
        tables.setEntry(F.table(.pud, raw: T.pudRaw), at: 0)
        tables.setEntry(F.leaf(.pmd, pfn: 0x200), at: 0x40_0000)
        tables.setEntry(F.table(.pmd, raw: T.pmdRaw), at: 0x60_0000)
        tables.setPTE(raw: T.leaf.raw, info: T.leaf.info, at: 0x60_0000)
        tables.setEntry(F.leaf(.pud, pfn: 0x40000), at: 0x4000_0000)
        var calls: [[WalkEvent]] = []
        for semantics in [WalkerSemantics.linux6_1, .linux6_12, .linux7_3] {
            var ops = ModuleReplayOps(stops: [])
            #expect(PageWalker(source: tables, semantics: semantics).walkPageRange(start: 0, end: 0x1_0000_0000, ops: &ops) == 0)
            calls.append(ops.events)
        }
        #expect(calls[0].count > 512)
        #expect(calls[1] == calls[0])
        #expect(calls[2] == calls[0])
    }
}
