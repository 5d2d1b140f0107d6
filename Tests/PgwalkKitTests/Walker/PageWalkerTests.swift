import Testing
@testable import PgwalkKit

/// The walker on hand-built tables. Every expected sequence below was worked
/// out by hand from Linux 6.1 mm/pagewalk.c, not taken from the walker, and
/// checked against the 6.12 and 7.3 sources: none of these cases reaches a
/// difference between them, so each walk is made with all three semantics
/// and must come out the same (KernelVersionWalkTests has the differences).
@Suite struct PageWalkerTests {
    typealias F = StreamFixture
    static let pgdRaw: UInt64 = 0x1067
    static let pudRaw: UInt64 = 0x2067
    static let pmdRaw: UInt64 = 0x3067
    static let leaf = F.leaf(.pte, pfn: 0x1234)
    static let vma1 = VMA(start: 0x40_0000, end: 0x40_2000)
    static let vma2 = VMA(start: 0x60_0000, end: 0x60_1000)

    /// 4-level x86: VMA1 [0x400000, 0x402000) with a PTE table (one present
    /// page, one none); VMA2 [0x600000, 0x601000) whose PMD is none.
    static func fourLevel() throws -> PageTables {
        var tables = PageTables(geometry: .x86_64FourLevel)
        try tables.setVMA(vma1)
        try tables.setVMA(vma2)
        tables.setEntry(F.table(.pgd, raw: pgdRaw), at: 0)
        tables.setEntry(F.table(.pud, raw: pudRaw), at: 0)
        tables.setEntry(F.table(.pmd, raw: pmdRaw), at: 0x40_0000)
        tables.setPTE(raw: leaf.raw, info: leaf.info, at: 0x40_0000)
        return tables
    }

    static func entry(_ level: PageTableLevel, _ raw: UInt64, _ addr: UInt64, _ next: UInt64, _ action: WalkAction = .subtree) -> WalkEvent {
        let entry = F.table(level, raw: raw)
        return .entry(level: level, addr: addr, next: next, raw: entry.raw, info: entry.info, action: action)
    }

    static let allSemantics: [WalkerSemantics] = [.linux6_1, .linux6_12, .linux7_3]

    /// Walks with 6.1 semantics, and with 6.12's and 7.3's from the same
    /// start, which must make the same calls and return the same.
    static func walk(_ tables: PageTables, _ start: UInt64, _ end: UInt64, _ ops: inout RecordingOps) -> Int32 {
        let initial = ops
        var result: Int32 = 0
        for (index, semantics) in allSemantics.enumerated() {
            var run = initial
            let value = PageWalker(source: tables, semantics: semantics).walkPageRange(start: start, end: end, ops: &run)
            if index == 0 {
                result = value
                ops = run
            } else {
                #expect(value == result, "\(semantics) returned \(value), 6.1 \(result)")
                #expect(run.events == ops.events, "\(semantics) made other calls than 6.1")
            }
        }
        return result
    }

    @Test func holesBetweenVMAsAndAMissingPMD() throws {
        var ops = RecordingOps()
        let result = Self.walk(try Self.fourLevel(), 0x3f_f000, 0x70_0000, &ops)
        #expect(result == 0)
        let expected: [WalkEvent] = [
            .hole(addr: 0x3f_f000, next: 0x40_0000, depth: .noVMA),
            .testWalk(start: 0x40_0000, end: 0x40_2000, result: 0),
            .preVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
            Self.entry(.pgd, Self.pgdRaw, 0x40_0000, 0x40_2000),
            Self.entry(.p4d, Self.pgdRaw, 0x40_0000, 0x40_2000),   // folded: same slot, same value
            Self.entry(.pud, Self.pudRaw, 0x40_0000, 0x40_2000),
            Self.entry(.pmd, Self.pmdRaw, 0x40_0000, 0x40_2000),
            .pte(addr: 0x40_0000, raw: Self.leaf.raw, info: Self.leaf.info),
            .pte(addr: 0x40_1000, raw: 0, info: .none),
            .postVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
            .hole(addr: 0x40_2000, next: 0x60_0000, depth: .noVMA),
            .testWalk(start: 0x60_0000, end: 0x60_1000, result: 0),
            .preVMA(vmStart: 0x60_0000, vmEnd: 0x60_1000),
            Self.entry(.pgd, Self.pgdRaw, 0x60_0000, 0x60_1000),
            Self.entry(.p4d, Self.pgdRaw, 0x60_0000, 0x60_1000),
            Self.entry(.pud, Self.pudRaw, 0x60_0000, 0x60_1000),
            .hole(addr: 0x60_0000, next: 0x60_1000, depth: HoleDepth(rawValue: 3)!),
            .postVMA(vmStart: 0x60_0000, vmEnd: 0x60_1000),
            .hole(addr: 0x60_1000, next: 0x70_0000, depth: .noVMA),
        ]
        #expect(ops.events == expected)
        #expect(ops.holeVMAs == [nil, nil, Self.vma2, nil])
    }

    @Test func startingInsideAVMAUsesFindVMA() throws {
        var ops = RecordingOps()
        #expect(Self.walk(try Self.fourLevel(), 0x40_1000, 0x40_2000, &ops) == 0)
        #expect(ops.events == [
            .testWalk(start: 0x40_1000, end: 0x40_2000, result: 0),
            .preVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
            Self.entry(.pgd, Self.pgdRaw, 0x40_1000, 0x40_2000),
            Self.entry(.p4d, Self.pgdRaw, 0x40_1000, 0x40_2000),
            Self.entry(.pud, Self.pudRaw, 0x40_1000, 0x40_2000),
            Self.entry(.pmd, Self.pmdRaw, 0x40_1000, 0x40_2000),
            .pte(addr: 0x40_1000, raw: 0, info: .none),
            .postVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
        ])
    }

    @Test func emptyRangeIsEINVAL() throws {
        var ops = RecordingOps()
        #expect(Self.walk(try Self.fourLevel(), 0x40_0000, 0x40_0000, &ops) == -22)
        #expect(ops.events.isEmpty)
    }

    @Test func foldedP4DMissingTopLevelEntryIsPgdEntryThenDepthZero() throws {
        // 4-level: pgd_none() is always false, so pgd_entry sees the empty
        // slot; p4d_none() is true and real_depth(1) is 0. Two pgd slots.
        var tables = PageTables(geometry: .x86_64FourLevel)
        let start: UInt64 = 0x7f_ffff_f000, boundary: UInt64 = 0x80_0000_0000, end: UInt64 = 0x80_0000_1000
        try tables.setVMA(VMA(start: start, end: end))
        var ops = RecordingOps()
        #expect(Self.walk(tables, start, end, &ops) == 0)
        #expect(ops.events == [
            .testWalk(start: start, end: end, result: 0),
            .preVMA(vmStart: start, vmEnd: end),
            .entry(level: .pgd, addr: start, next: boundary, raw: 0, info: .none, action: .subtree),
            .hole(addr: start, next: boundary, depth: HoleDepth(rawValue: 0)!),
            .entry(level: .pgd, addr: boundary, next: end, raw: 0, info: .none, action: .subtree),
            .hole(addr: boundary, next: end, depth: HoleDepth(rawValue: 0)!),
            .postVMA(vmStart: start, vmEnd: end),
        ])
    }

    @Test func fiveLevelMissingP4DIsDepthOneAndMissingPGDDepthZero() throws {
        var tables = PageTables(geometry: .x86_64FiveLevel)
        try tables.setVMA(Self.vma1)
        var ops = RecordingOps()
        #expect(Self.walk(tables, 0x40_0000, 0x40_2000, &ops) == 0)
        #expect(ops.events == [
            .testWalk(start: 0x40_0000, end: 0x40_2000, result: 0),
            .preVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
            .hole(addr: 0x40_0000, next: 0x40_2000, depth: HoleDepth(rawValue: 0)!),   // pgd_none: no pgd_entry
            .postVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
        ])

        tables.setEntry(F.table(.pgd, raw: Self.pgdRaw), at: 0)
        ops = RecordingOps()
        #expect(Self.walk(tables, 0x40_0000, 0x40_2000, &ops) == 0)
        #expect(ops.events == [
            .testWalk(start: 0x40_0000, end: 0x40_2000, result: 0),
            .preVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
            Self.entry(.pgd, Self.pgdRaw, 0x40_0000, 0x40_2000),
            .hole(addr: 0x40_0000, next: 0x40_2000, depth: HoleDepth(rawValue: 1)!),
            .postVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
        ])
    }

    @Test func fiveLevelWalksAllFiveLevels() throws {
        var tables = PageTables(geometry: .x86_64FiveLevel)
        try tables.setVMA(Self.vma1)
        tables.setEntry(F.table(.pgd, raw: 0x1067), at: 0)
        tables.setEntry(F.table(.p4d, raw: 0x5067), at: 0)
        tables.setEntry(F.table(.pud, raw: Self.pudRaw), at: 0)
        var ops = RecordingOps([.pgdEntry, .p4dEntry, .pudEntry, .pteHole])
        #expect(Self.walk(tables, 0x40_0000, 0x40_1000, &ops) == 0)
        // No pmd/pte callbacks: walk_pud_range does not descend; no pmd hole.
        #expect(ops.events == [
            Self.entry(.pgd, 0x1067, 0x40_0000, 0x40_1000),
            Self.entry(.p4d, 0x5067, 0x40_0000, 0x40_1000),
            Self.entry(.pud, Self.pudRaw, 0x40_0000, 0x40_1000),
        ])
    }

    @Test func descentNeedsALowerCallback() throws {
        let tables = try Self.fourLevel()
        var pteOnly = RecordingOps([.pteEntry])
        #expect(Self.walk(tables, 0x3f_f000, 0x70_0000, &pteOnly) == 0)
        #expect(pteOnly.events == [
            .pte(addr: 0x40_0000, raw: Self.leaf.raw, info: Self.leaf.info),
            .pte(addr: 0x40_1000, raw: 0, info: .none),
        ])

        var pmdOnly = RecordingOps([.pmdEntry, .pteHole])
        #expect(Self.walk(tables, 0x3f_f000, 0x70_0000, &pmdOnly) == 0)
        #expect(pmdOnly.events == [
            .hole(addr: 0x3f_f000, next: 0x40_0000, depth: .noVMA),
            Self.entry(.pmd, Self.pmdRaw, 0x40_0000, 0x40_2000),
            .hole(addr: 0x40_2000, next: 0x60_0000, depth: .noVMA),
            .hole(addr: 0x60_0000, next: 0x60_1000, depth: HoleDepth(rawValue: 3)!),
            .hole(addr: 0x60_1000, next: 0x70_0000, depth: .noVMA),
        ])

        // Only pgd_entry: walk_p4d_range is never entered, so VMA2's empty
        // PMD is not reported at all.
        var pgdOnly = RecordingOps([.pgdEntry, .pteHole])
        #expect(Self.walk(tables, 0x3f_f000, 0x70_0000, &pgdOnly) == 0)
        #expect(pgdOnly.events == [
            .hole(addr: 0x3f_f000, next: 0x40_0000, depth: .noVMA),
            Self.entry(.pgd, Self.pgdRaw, 0x40_0000, 0x40_2000),
            .hole(addr: 0x40_2000, next: 0x60_0000, depth: .noVMA),
            Self.entry(.pgd, Self.pgdRaw, 0x60_0000, 0x60_1000),
            .hole(addr: 0x60_1000, next: 0x70_0000, depth: .noVMA),
        ])
    }

    @Test func continueSkipsTheDescent() throws {
        var tables = PageTables(geometry: .x86_64FourLevel)
        try tables.setVMA(VMA(start: 0x40_0000, end: 0x60_0000))
        tables.setEntry(F.table(.pgd, raw: Self.pgdRaw), at: 0)
        tables.setEntry(F.table(.pud, raw: Self.pudRaw), at: 0)
        let thp = F.leaf(.pmd, pfn: 0x200)
        tables.setEntry(thp, at: 0x40_0000)
        var ops = RecordingOps()
        ops.action = moduleAction
        #expect(Self.walk(tables, 0x40_0000, 0x60_0000, &ops) == 0)
        #expect(ops.events == [
            .testWalk(start: 0x40_0000, end: 0x60_0000, result: 0),
            .preVMA(vmStart: 0x40_0000, vmEnd: 0x60_0000),
            Self.entry(.pgd, Self.pgdRaw, 0x40_0000, 0x60_0000),
            Self.entry(.p4d, Self.pgdRaw, 0x40_0000, 0x60_0000),
            Self.entry(.pud, Self.pudRaw, 0x40_0000, 0x60_0000),
            .entry(level: .pmd, addr: 0x40_0000, next: 0x60_0000, raw: thp.raw, info: thp.info, action: .continue),
            .postVMA(vmStart: 0x40_0000, vmEnd: 0x60_0000),
        ])

        // CONTINUE on a pud table: no pmd calls below it.
        var pudContinue = RecordingOps([.pudEntry, .pmdEntry, .pteEntry])
        pudContinue.action = { entry, _, _ in entry.level == .pud ? .continue : nil }
        #expect(Self.walk(try Self.fourLevel(), 0x40_0000, 0x40_2000, &pudContinue) == 0)
        #expect(pudContinue.events == [Self.entry(.pud, Self.pudRaw, 0x40_0000, 0x40_2000, .continue)])
    }

    @Test func subtreeOnAHugePMDWalksTheSplitView() throws {
        var tables = PageTables(geometry: .x86_64FourLevel)
        try tables.setVMA(VMA(start: 0x40_0000, end: 0x60_0000))
        tables.setEntry(F.table(.pgd, raw: Self.pgdRaw), at: 0)
        tables.setEntry(F.table(.pud, raw: Self.pudRaw), at: 0)
        let thp = F.leaf(.pmd, pfn: 0x200)      // raw 0x200867
        tables.setEntry(thp, at: 0x40_0000)
        var ops = RecordingOps([.pmdEntry, .pteEntry])
        #expect(Self.walk(tables, 0x40_0000, 0x60_0000, &ops) == 0)
        #expect(ops.events.count == 1 + 512)
        #expect(ops.events[1] == .pte(addr: 0x40_0000, raw: 0x20_0867, info: thp.info))
        #expect(ops.events[512] == .pte(addr: 0x5f_f000, raw: 0x3f_f867, info: thp.info.withPayload(0x3ff)))
        // The source is not changed by the split.
        #expect(tables.entry(at: .pmd, address: 0x40_0000) == thp)
    }

    @Test func subtreeOnAFileTHPZapsItLikeSplitHugePMD() throws {
        // A file (page cache) THP: __split_huge_pmd_locked() clears the PMD,
        // pmd_trans_unstable() is true, goto again finds it none.
        var tables = PageTables(geometry: .x86_64FourLevel)
        try tables.setVMA(VMA(start: 0x40_0000, end: 0x80_0000, backing: .file, name: "/data/big"))
        tables.setEntry(F.table(.pgd, raw: Self.pgdRaw), at: 0)
        tables.setEntry(F.table(.pud, raw: Self.pudRaw), at: 0)
        let thp = F.leaf(.pmd, pfn: 0x200)
        tables.setEntry(thp, at: 0x40_0000)
        tables.setEntry(thp, at: 0x60_0000)
        var ops = RecordingOps([.pmdEntry, .pteEntry, .pteHole])
        ops.action = { _, addr, _ in addr == 0x60_0000 ? .continue : nil }
        #expect(Self.walk(tables, 0x40_0000, 0x80_0000, &ops) == 0)
        #expect(ops.events == [
            .entry(level: .pmd, addr: 0x40_0000, next: 0x60_0000, raw: thp.raw, info: thp.info, action: .subtree),
            .hole(addr: 0x40_0000, next: 0x60_0000, depth: HoleDepth(rawValue: 3)!),
            .entry(level: .pmd, addr: 0x60_0000, next: 0x80_0000, raw: thp.raw, info: thp.info, action: .continue),
        ])
    }

    @Test func subtreeOnAHugePUDClearsItLikeSplitHugePUD() throws {
        var tables = PageTables(geometry: .x86_64FourLevel)
        let start: UInt64 = 0x4000_0000, end: UInt64 = 0x8000_0000
        try tables.setVMA(VMA(start: start, end: end))
        tables.setEntry(F.table(.pgd, raw: Self.pgdRaw), at: 0)
        let huge = F.leaf(.pud, pfn: 0x40000)
        tables.setEntry(huge, at: start)
        var ops = RecordingOps()
        #expect(Self.walk(tables, start, end, &ops) == 0)
        #expect(ops.events == [
            .testWalk(start: start, end: end, result: 0),
            .preVMA(vmStart: start, vmEnd: end),
            Self.entry(.pgd, Self.pgdRaw, start, end),
            Self.entry(.p4d, Self.pgdRaw, start, end),
            .entry(level: .pud, addr: start, next: end, raw: huge.raw, info: huge.info, action: .subtree),
            .hole(addr: start, next: end, depth: HoleDepth(rawValue: 2)!),
            .postVMA(vmStart: start, vmEnd: end),
        ])
    }

    @Test func againCallsTheSameEntryAgain() throws {
        var ops = RecordingOps()
        // Event 5 is the first pmd_entry (testWalk, preVMA, pgd, p4d, pud come first).
        ops.action = { entry, _, call in entry.level == .pmd && call == 5 ? .again : nil }
        #expect(Self.walk(try Self.fourLevel(), 0x40_0000, 0x40_2000, &ops) == 0)
        #expect(ops.events == [
            .testWalk(start: 0x40_0000, end: 0x40_2000, result: 0),
            .preVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
            Self.entry(.pgd, Self.pgdRaw, 0x40_0000, 0x40_2000),
            Self.entry(.p4d, Self.pgdRaw, 0x40_0000, 0x40_2000),
            Self.entry(.pud, Self.pudRaw, 0x40_0000, 0x40_2000),
            Self.entry(.pmd, Self.pmdRaw, 0x40_0000, 0x40_2000, .again),
            Self.entry(.pmd, Self.pmdRaw, 0x40_0000, 0x40_2000),       // action reset to SUBTREE
            .pte(addr: 0x40_0000, raw: Self.leaf.raw, info: Self.leaf.info),
            .pte(addr: 0x40_1000, raw: 0, info: .none),
            .postVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
        ])
    }

    @Test func actionsAfterPgdAndP4dEntryAreIgnored() throws {
        var ops = RecordingOps([.pgdEntry, .p4dEntry, .pteEntry])
        ops.action = { entry, _, _ in entry.level == .pgd ? .again : (entry.level == .p4d ? .continue : nil) }
        #expect(Self.walk(try Self.fourLevel(), 0x40_0000, 0x40_2000, &ops) == 0)
        #expect(ops.events == [
            Self.entry(.pgd, Self.pgdRaw, 0x40_0000, 0x40_2000, .again),
            Self.entry(.p4d, Self.pgdRaw, 0x40_0000, 0x40_2000, .continue),
            .pte(addr: 0x40_0000, raw: Self.leaf.raw, info: Self.leaf.info),
            .pte(addr: 0x40_1000, raw: 0, info: .none),
        ])
    }

    @Test func hugetlbVMAsGoThroughHugetlbEntryOnly() throws {
        var tables = PageTables(geometry: .x86_64FourLevel)
        let vma = VMA(start: 0x4000_0000, end: 0x4060_0000, flags: [.read, .write, .hugetlb, .shared], hugePageSize: 0x20_0000)
        try tables.setVMA(vma)
        let page = F.leaf(.pmd, pfn: 0x8000)
        tables.setHugetlbEntry(raw: page.raw, info: page.info, at: 0x4000_0000)
        tables.setHugetlbEntry(raw: 0, info: .none, at: 0x4040_0000)   // a slot holding none
        let hmask: UInt64 = 0xffff_ffff_ffe0_0000
        var ops = RecordingOps()
        #expect(Self.walk(tables, 0x4010_0000, 0x4060_0000, &ops) == 0)
        #expect(ops.events == [
            .testWalk(start: 0x4010_0000, end: 0x4060_0000, result: 0),
            .preVMA(vmStart: 0x4000_0000, vmEnd: 0x4060_0000),
            .hugetlb(addr: 0x4010_0000, next: 0x4020_0000, hmask: hmask, raw: page.raw, info: page.info),
            .hole(addr: 0x4020_0000, next: 0x4040_0000, depth: .noVMA),
            .hugetlb(addr: 0x4040_0000, next: 0x4060_0000, hmask: hmask, raw: 0, info: .none),
            .postVMA(vmStart: 0x4000_0000, vmEnd: 0x4060_0000),
        ])

        var noHugetlb = RecordingOps(Set(WalkCallback.allCases).subtracting([.hugetlbEntry]))
        #expect(Self.walk(tables, 0x4000_0000, 0x4060_0000, &noHugetlb) == 0)
        #expect(noHugetlb.events == [
            .testWalk(start: 0x4000_0000, end: 0x4060_0000, result: 0),
            .preVMA(vmStart: 0x4000_0000, vmEnd: 0x4060_0000),
            .postVMA(vmStart: 0x4000_0000, vmEnd: 0x4060_0000),
        ])
    }

    @Test func defaultTestSkipsPFNMapVMAs() throws {
        var tables = PageTables(geometry: .x86_64FourLevel)
        let pfnmap = VMA(start: 0x1000, end: 0x3000, flags: [.read, .io, .pfnMap])
        try tables.setVMA(pfnmap)
        let noTest = Set(WalkCallback.allCases).subtracting([.testWalk])

        var withHole = RecordingOps(noTest)
        #expect(Self.walk(tables, 0x1000, 0x5000, &withHole) == 0)
        #expect(withHole.events == [
            .hole(addr: 0x1000, next: 0x3000, depth: .noVMA),
            .hole(addr: 0x3000, next: 0x5000, depth: .noVMA),
        ])
        #expect(withHole.holeVMAs == [pfnmap, nil])

        // A positive pte_hole result there still only skips the VMA.
        var positive = RecordingOps(noTest)
        positive.result = { $0 == .hole(addr: 0x1000, next: 0x3000, depth: .noVMA) ? 5 : 0 }
        #expect(Self.walk(tables, 0x1000, 0x5000, &positive) == 0)
        #expect(positive.events.count == 2)

        // A negative one ends the walk.
        var negative = RecordingOps(noTest)
        negative.result = { _ in -12 }
        #expect(Self.walk(tables, 0x1000, 0x5000, &negative) == -12)
        #expect(negative.events == [.hole(addr: 0x1000, next: 0x3000, depth: .noVMA)])

        var silent = RecordingOps([.pteEntry, .preVMA])
        #expect(Self.walk(tables, 0x1000, 0x3000, &silent) == 0)
        #expect(silent.events.isEmpty)
    }

    @Test func testWalkSkipsOrFails() throws {
        var skip = RecordingOps()
        skip.testResult = { _ in 1 }
        #expect(Self.walk(try Self.fourLevel(), 0x40_0000, 0x70_0000, &skip) == 0)
        #expect(skip.events == [
            .testWalk(start: 0x40_0000, end: 0x40_2000, result: 1),
            .hole(addr: 0x40_2000, next: 0x60_0000, depth: .noVMA),
            .testWalk(start: 0x60_0000, end: 0x60_1000, result: 1),
            .hole(addr: 0x60_1000, next: 0x70_0000, depth: .noVMA),
        ])

        var fail = RecordingOps()
        fail.testResult = { _ in -105 }
        #expect(Self.walk(try Self.fourLevel(), 0x40_0000, 0x70_0000, &fail) == -105)
        #expect(fail.events == [.testWalk(start: 0x40_0000, end: 0x40_2000, result: -105)])
    }

    @Test func postVMAIsCalledEvenAfterAnError() throws {
        var ops = RecordingOps()
        ops.result = { event in if case .pte = event { return -12 } else { return 0 } }
        #expect(Self.walk(try Self.fourLevel(), 0x40_0000, 0x70_0000, &ops) == -12)
        #expect(ops.events == [
            .testWalk(start: 0x40_0000, end: 0x40_2000, result: 0),
            .preVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
            Self.entry(.pgd, Self.pgdRaw, 0x40_0000, 0x40_2000),
            Self.entry(.p4d, Self.pgdRaw, 0x40_0000, 0x40_2000),
            Self.entry(.pud, Self.pudRaw, 0x40_0000, 0x40_2000),
            Self.entry(.pmd, Self.pmdRaw, 0x40_0000, 0x40_2000),
            .pte(addr: 0x40_0000, raw: Self.leaf.raw, info: Self.leaf.info),
            .postVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
        ])
    }

    @Test func positiveResultStopsAndIsReturned() throws {
        var ops = RecordingOps()
        ops.result = { event in if case .entry(.pmd, _, _, _, _, _) = event { return 1 } else { return 0 } }
        #expect(Self.walk(try Self.fourLevel(), 0x40_0000, 0x70_0000, &ops) == 1)
        #expect(ops.events.suffix(2) == [
            Self.entry(.pmd, Self.pmdRaw, 0x40_0000, 0x40_2000),
            .postVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
        ])
    }

    @Test func preVMAFailureSkipsPostVMA() throws {
        var ops = RecordingOps()
        ops.result = { event in if case .preVMA = event { return -5 } else { return 0 } }
        #expect(Self.walk(try Self.fourLevel(), 0x40_0000, 0x70_0000, &ops) == -5)
        #expect(ops.events == [
            .testWalk(start: 0x40_0000, end: 0x40_2000, result: 0),
            .preVMA(vmStart: 0x40_0000, vmEnd: 0x40_2000),
        ])
    }
}
