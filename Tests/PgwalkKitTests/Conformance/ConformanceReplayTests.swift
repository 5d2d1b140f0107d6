import Testing
@testable import PgwalkKit

/// Replaying hand-written kernel traces. Each trace below is what Linux
/// 6.1's walk_page_range() does with the module's ops (FORMAT.md 5.8),
/// worked out by hand; the replay must reproduce it, and must point at the
/// exact first event of a deliberately wrong one.
@Suite struct ConformanceReplayTests {
    typealias F = StreamFixture
    static let leaf = F.leaf(.pte, pfn: 0x1234)

    /// 4-level: VMA1 walked (folded p4d: pgd and p4d entries), a gap, then
    /// a PFNMAP VMA whose test_walk finds the buffer full (STOP, -ENOBUFS)
    /// and is retried by a second walk_page_range() call.
    static func fourLevelTrace() -> (StreamHeader, [StreamRecord]) {
        let header = F.header(geometry: .x86_64FourLevel, start: 0x40_0000, end: 0x70_0000)
        let records: [StreamRecord] = [
            .walkBegin(WalkBeginRecord(start: 0x40_0000, end: 0x70_0000)),
            .testWalk(TestWalkRecord(addr: 0x40_0000, next: 0x40_2000, result: 0)),
            F.vma(0x40_0000, 0x40_2000),
            F.entry(F.table(.pgd, raw: 0x1067), 0x40_0000, 0x40_2000, .subtree),
            F.entry(F.table(.p4d, raw: 0x1067), 0x40_0000, 0x40_2000, .subtree),
            F.entry(F.table(.pud, raw: 0x2067), 0x40_0000, 0x40_2000, .subtree),
            F.entry(F.table(.pmd, raw: 0x3067), 0x40_0000, 0x40_2000, .subtree),
            .pteRun(PTERunRecord(addr: 0x40_0000, entries: [.init(raw: leaf.raw, info: leaf.info)])),
            .noneRun(NoneRunRecord(addr: 0x40_1000, count: 1)),
            .postVMA(PostVMARecord(vmStart: 0x40_0000, vmEnd: 0x40_2000)),
            .hole(HoleRecord(addr: 0x40_2000, end: 0x60_0000, depth: .noVMA, count: 1)),
            .stop(StopRecord(callback: .testWalk, addr: 0x60_0000)),
            .walkEnd(WalkEndRecord(result: -105)),
            .walkBegin(WalkBeginRecord(start: 0x60_0000, end: 0x70_0000)),
            F.vma(0x60_0000, 0x60_1000, [.read, .write, .io, .pfnMap, .notWalked]),
            .testWalk(TestWalkRecord(addr: 0x60_0000, next: 0x60_1000, result: 1)),
            .hole(HoleRecord(addr: 0x60_1000, end: 0x70_0000, depth: .noVMA, count: 1)),
            .walkEnd(WalkEndRecord(result: 0)),
        ]
        return (header, records)
    }

    static let thp = F.leaf(.pmd, pfn: 0x4000)
    static let swap = PageTableEntry(level: .pte, raw: 0x2a_0000_0000_0200,
                                     info: EntryInfo(kind: .swap, flags: [.leaf, .exclusive], swapType: 1, payload: 0x55))

    /// 5-level: a THP (CONTINUE), a PTE table with a swap entry, two none
    /// PMDs merged into one HOLE, then pmd_entry stops at 0xa00000 and the
    /// second call repeats test_walk, pre_vma and the upper entries.
    static func fiveLevelTrace(holeDepth: Int8 = 3, holeCount: Int = 2, thpAction: WalkAction = .continue,
                               dropP4D: Bool = false) -> (StreamHeader, [StreamRecord]) {
        let header = F.header(geometry: .x86_64FiveLevel, start: 0x20_0000, end: 0xc0_0000)
        var upper: [StreamRecord] = [
            F.entry(F.table(.pgd, raw: 0x10067), 0x20_0000, 0xc0_0000, .subtree),
            F.entry(F.table(.p4d, raw: 0x11067), 0x20_0000, 0xc0_0000, .subtree),
            F.entry(F.table(.pud, raw: 0x12067), 0x20_0000, 0xc0_0000, .subtree),
        ]
        if dropP4D { upper.remove(at: 1) }
        let records: [StreamRecord] = [
            .walkBegin(WalkBeginRecord(start: 0x20_0000, end: 0xc0_0000)),
            .testWalk(TestWalkRecord(addr: 0x20_0000, next: 0xc0_0000, result: 0)),
            F.vma(0x20_0000, 0xc0_0000),
        ] + upper + [
            F.entry(thp, 0x20_0000, 0x40_0000, thpAction),
            F.entry(F.table(.pmd, raw: 0x13067), 0x40_0000, 0x60_0000, .subtree),
            .pteRun(PTERunRecord(addr: 0x40_0000, entries: [.init(raw: swap.raw, info: swap.info)])),
            .noneRun(NoneRunRecord(addr: 0x40_1000, count: 511)),
            .hole(HoleRecord(addr: 0x60_0000, end: 0xa0_0000, depth: HoleDepth(rawValue: holeDepth)!, count: holeCount)),
            .stop(StopRecord(callback: .pmdEntry, addr: 0xa0_0000)),
            .postVMA(PostVMARecord(vmStart: 0x20_0000, vmEnd: 0xc0_0000)),
            .walkEnd(WalkEndRecord(result: 1)),
            .walkBegin(WalkBeginRecord(start: 0xa0_0000, end: 0xc0_0000)),
            .testWalk(TestWalkRecord(addr: 0xa0_0000, next: 0xc0_0000, result: 0)),
            F.vma(0x20_0000, 0xc0_0000),
            F.entry(F.table(.pgd, raw: 0x10067), 0xa0_0000, 0xc0_0000, .subtree),
            F.entry(F.table(.p4d, raw: 0x11067), 0xa0_0000, 0xc0_0000, .subtree),
            F.entry(F.table(.pud, raw: 0x12067), 0xa0_0000, 0xc0_0000, .subtree),
            F.entry(F.table(.pmd, raw: 0x14067), 0xa0_0000, 0xc0_0000, .subtree),
            .noneRun(NoneRunRecord(addr: 0xa0_0000, count: 512)),
            .postVMA(PostVMARecord(vmStart: 0x20_0000, vmEnd: 0xc0_0000)),
            .walkEnd(WalkEndRecord(result: 0)),
        ]
        return (header, records)
    }

    func replay(_ trace: (StreamHeader, [StreamRecord]), chunks: UInt32 = 2) throws -> ConformanceReport {
        let bytes = F.stream(trace.0, trace.1, chunks: chunks)
        return try ConformanceReplay.run(source: MemoryByteSource(bytes, chunkLimit: 100))
    }

    @Test func fourLevelTraceWithStopAndResumeReplaysExactly() throws {
        let report = try replay(Self.fourLevelTrace())
        #expect(report.mismatch == nil, "\(report)")
        #expect(report.walks == 2)
        // Walk 1: begin, test, pre, pgd, p4d, pud, pmd, 2 pte, post, hole, stop, end = 13.
        // Walk 2: begin, test (the NOT_WALKED VMA record is part of it), hole, end = 4.
        #expect(report.expectedEvents == 13 + 4)
    }

    @Test func fiveLevelTraceWithMergedHolesAndAStopReplaysExactly() throws {
        let report = try replay(Self.fiveLevelTrace())
        #expect(report.passed, "\(report)")
        // Walk 1: begin, test, pre, 3 upper, 2 pmd, 512 pte, 2 holes, stop, post, end = 525.
        // Walk 2: begin, test, pre, 4 entries, 512 pte, post, end = 521.
        #expect(report.expectedEvents == 525 + 521)
    }

    @Test func aWrongHoleDepthIsReportedAtItsEvent() throws {
        // Depth 2 with count 1 is a valid record, but the kernel reports
        // each none PMD at depth 3.
        let report = try replay(Self.fiveLevelTrace(holeDepth: 2, holeCount: 1))
        let mismatch = try #require(report.mismatch)
        // begin, test, pre, pgd, p4d, pud, pmd(THP), pmd(table), pte x512 -> index 520.
        #expect(mismatch.index == 520)
        #expect(mismatch.walk == 0)
        #expect(mismatch.recordIndex == 10)
        #expect(mismatch.expected == .hole(addr: 0x60_0000, next: 0xa0_0000, depth: HoleDepth(rawValue: 2)!))
        #expect(mismatch.actual == .hole(addr: 0x60_0000, next: 0x80_0000, depth: HoleDepth(rawValue: 3)!))
        #expect(report.matchedEvents == 520)
        #expect(mismatch.description.contains("event #520"))
    }

    @Test func aWrongActionIsReported() throws {
        let report = try replay(Self.fiveLevelTrace(thpAction: .subtree))
        let mismatch = try #require(report.mismatch)
        #expect(mismatch.index == 6)
        #expect(mismatch.expected == .entry(level: .pmd, addr: 0x20_0000, next: 0x40_0000, raw: Self.thp.raw, info: Self.thp.info, action: .subtree))
        #expect(mismatch.actual == .entry(level: .pmd, addr: 0x20_0000, next: 0x40_0000, raw: Self.thp.raw, info: Self.thp.info, action: .continue))
    }

    @Test func aMissingCallIsReported() throws {
        let report = try replay(Self.fiveLevelTrace(dropP4D: true))
        let mismatch = try #require(report.mismatch)
        #expect(mismatch.index == 4)
        #expect(mismatch.expected == .entry(level: .pud, addr: 0x20_0000, next: 0xc0_0000, raw: 0x12067,
                                            info: F.table(.pud, raw: 0x12067).info, action: .subtree))
        #expect(mismatch.actual == .entry(level: .p4d, addr: 0x20_0000, next: 0xc0_0000, raw: 0x11067,
                                          info: F.table(.p4d, raw: 0x11067).info, action: .subtree))
    }

    @Test func aTraceEndingEarlyIsReported() throws {
        var (header, records) = Self.fourLevelTrace()
        records.remove(at: 16)   // the last HOLE
        let report = try replay((header, records))
        let mismatch = try #require(report.mismatch)
        #expect(mismatch.index == 13 + 2)
        #expect(mismatch.expected == .walkEnd(result: 0))
        #expect(mismatch.actual == .hole(addr: 0x60_1000, next: 0x70_0000, depth: .noVMA))
    }

    /// 4-level, an empty top-level slot: pgd_none() is constant false, so
    /// pgd_entry gets the empty value (the module says SUBTREE), then
    /// p4d_none() is true and the hole has real_depth(1) = 0.
    @Test func fourLevelEmptyTopLevelSlotReplays() throws {
        let header = F.header(geometry: .x86_64FourLevel, start: 0x7f_ffff_e000, end: 0x80_0000_2000)
        let (a, b, c): (UInt64, UInt64, UInt64) = (0x7f_ffff_e000, 0x80_0000_0000, 0x80_0000_2000)
        let records: [StreamRecord] = [
            .walkBegin(WalkBeginRecord(start: a, end: c)),
            .testWalk(TestWalkRecord(addr: a, next: c, result: 0)),
            F.vma(a, c),
            F.entry(.none(.pgd), a, b, .subtree),
            .hole(HoleRecord(addr: a, end: b, depth: HoleDepth(rawValue: 0)!, count: 1)),
            F.entry(.none(.pgd), b, c, .subtree),
            .hole(HoleRecord(addr: b, end: c, depth: HoleDepth(rawValue: 0)!, count: 1)),
            .postVMA(PostVMARecord(vmStart: a, vmEnd: c)),
            .walkEnd(WalkEndRecord(result: 0)),
        ]
        let report = try replay((header, records), chunks: 1)
        #expect(report.passed, "\(report)")
        #expect(report.expectedEvents == 9)
    }

    /// A densely mapped VMA of `tables` PTE tables: per PMD one ENTRY and one
    /// full PTE_RUN, as the module writes them (a run never crosses a PMD).
    static func denseTrace(tables: Int) -> (StreamHeader, [StreamRecord]) {
        let start: UInt64 = 0x4000_0000
        let end = start + UInt64(tables) << 21
        var records: [StreamRecord] = [
            .walkBegin(WalkBeginRecord(start: start, end: end)),
            .testWalk(TestWalkRecord(addr: start, next: end, result: 0)),
            F.vma(start, end),
            F.entry(F.table(.pgd, raw: 0x1067), start, end, .subtree),
            F.entry(F.table(.p4d, raw: 0x1067), start, end, .subtree),
            F.entry(F.table(.pud, raw: 0x2067), start, end, .subtree),
        ]
        for table in 0..<UInt64(tables) {
            let addr = start + table << 21
            records.append(F.entry(F.table(.pmd, raw: (0x10000 + table) << 12 | 0x67), addr, addr + 0x20_0000, .subtree))
            let ptes = (0..<UInt64(512)).map { page in
                PTERunRecord.PTEValue(raw: (table << 9 + page) << 12 | 0x867, info: F.leaf(.pte, pfn: table << 9 + page).info)
            }
            records.append(.pteRun(PTERunRecord(addr: addr, entries: ptes)))
        }
        records += [.postVMA(PostVMARecord(vmStart: start, vmEnd: end)), .walkEnd(WalkEndRecord(result: 0))]
        return (F.header(start: start, end: end), records)
    }

    @Test func aDenseRegionReplays() throws {
        let report = try replay(Self.denseTrace(tables: 64), chunks: 1)
        #expect(report.passed, "\(report)")
        // begin, test, pre, pgd, p4d, pud, 64 x (pmd + 512 pte), post, end.
        #expect(report.expectedEvents == 8 + 64 * 513)
    }

    @Test func aStreamWithoutTraceIsRefused() throws {
        let bytes = F.stream(F.header(trace: false), [])
        #expect(throws: TraceCallSequence.StructureError.self) {
            try ConformanceReplay.run(source: MemoryByteSource(bytes))
        }
    }

    @Test func callbacksOutsideAWalkFrameAreRefused() throws {
        let bytes = F.stream(F.header(), [.hole(HoleRecord(addr: 0x40_0000, end: 0x70_0000, depth: .noVMA, count: 1))])
        #expect(throws: TraceCallSequence.StructureError.self) {
            try ConformanceReplay.run(source: MemoryByteSource(bytes))
        }
    }

    @Test func moduleOpsFollowFormatFiveEight() {
        #expect(ModuleReplayOps.action(for: F.table(.pmd, raw: 0x3067)) == .subtree)
        #expect(ModuleReplayOps.action(for: F.leaf(.pmd, pfn: 1)) == .continue)
        #expect(ModuleReplayOps.action(for: .none(.pgd)) == .subtree)   // pgd/p4d: always SUBTREE
        #expect(ModuleReplayOps.action(for: F.leaf(.pud, pfn: 1)) == .continue)
        let migration = PageTableEntry(level: .pmd, raw: 0x1234, info: EntryInfo(kind: .migration, flags: [.leaf], payload: 7))
        #expect(ModuleReplayOps.action(for: migration) == .continue)
    }
}
