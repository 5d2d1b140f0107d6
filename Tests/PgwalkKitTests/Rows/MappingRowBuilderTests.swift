import Testing
@testable import PgwalkKit
@testable import PgwalkRender

/// The row consumer is written once and must give the same rows whether it
/// is driven straight from a stream or by the walker over the page tables
/// rebuilt from that stream. Expected rows are worked out by hand from the
/// records below.
@Suite struct MappingRowBuilderTests {
    static let anonStart: UInt64 = 0x40_0000
    static let thpStart: UInt64 = 0x60_0000

    /// A non-trace stream: one anonymous VMA [4M, 6M) whose PMD table has
    /// three present pages (PFNs 100-102) then 509 none; one VMA [6M, 8M)
    /// mapped by a THP PMD leaf (PFN 0x200).
    static func stream() -> [UInt8] {
        let h = StreamFixture.header(trace: false, start: 0x40_0000, end: 0x80_0000)
        let pte = { (pfn: UInt64) in
            PTERunRecord.PTEValue(raw: pfn << 12 | 0x867,
                                  info: EntryInfo(kind: .present, flags: [.leaf, .write, .user], payload: pfn))
        }
        let records: [StreamRecord] = [
            StreamFixture.vma(anonStart, 0x60_0000),
            StreamFixture.entry(StreamFixture.table(.pgd, raw: 0x1000), anonStart, 0x60_0000, .subtree),
            StreamFixture.entry(StreamFixture.table(.p4d, raw: 0x1000), anonStart, 0x60_0000, .subtree),
            StreamFixture.entry(StreamFixture.table(.pud, raw: 0x2000), anonStart, 0x60_0000, .subtree),
            StreamFixture.entry(StreamFixture.table(.pmd, raw: 0x3000), anonStart, 0x60_0000, .subtree),
            .pteRun(PTERunRecord(addr: anonStart, entries: [pte(100), pte(101), pte(102)])),
            .noneRun(NoneRunRecord(addr: anonStart + 0x3000, count: 509)),
            StreamFixture.vma(thpStart, 0x80_0000),
            StreamFixture.entry(StreamFixture.table(.pgd, raw: 0x1000), thpStart, 0x80_0000, .subtree),
            StreamFixture.entry(StreamFixture.table(.p4d, raw: 0x1000), thpStart, 0x80_0000, .subtree),
            StreamFixture.entry(StreamFixture.table(.pud, raw: 0x2000), thpStart, 0x80_0000, .subtree),
            StreamFixture.entry(StreamFixture.leaf(.pmd, pfn: 0x200), thpStart, 0x80_0000, .continue),
        ]
        return StreamFixture.stream(h, records)
    }

    static let expected: [MappingRow] = [
        MappingRow(start: anonStart, end: anonStart + 0x3000, placement: .level(.pte), kind: .present,
                   flags: [.write, .user], swapType: 0, payload: 100, payloadStep: 1, vmaStart: anonStart,
                   raw: 100 << 12 | 0x867, rawStep: 0x1000, entryCount: 3),
        MappingRow(start: anonStart + 0x3000, end: 0x60_0000, placement: .level(.pte), kind: .none,
                   flags: [], swapType: 0, payload: 0, payloadStep: 0, vmaStart: anonStart, entryCount: 509),
        MappingRow(start: thpStart, end: 0x80_0000, placement: .level(.pmd), kind: .present,
                   flags: [.write, .user, .accessed, .dirty], swapType: 0, payload: 0x200, payloadStep: 1,
                   vmaStart: thpStart, raw: 0x200 << 12 | 0x867),
    ]

    @Test func rowsFromTheStreamDriver() throws {
        var rows: [MappingRow] = []
        var vmas: [UInt64] = []
        var builder = MappingRowBuilder(pfnVisible: true, vmaStarted: { vmas.append($0.start) }, emit: { rows.append($0) })
        var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: MemoryByteSource(Self.stream())))
        let end = try driver.run(ops: &builder)
        builder.finish()
        #expect(end.status == 0)
        #expect(vmas == [Self.anonStart, Self.thpStart])
        #expect(rows == Self.expected)
    }

    /// `--format none`'s sink drops the rows but counts them: 2 VMAs, the
    /// 3 rows above, and every page of both VMAs (3 + 509 + 512).
    @Test func theNullSinkCountsWhatItWasGiven() throws {
        let sink = NullWalkRenderer()
        var builder = MappingRowBuilder(pfnVisible: true, vmaStarted: { sink.vma($0) }, emit: { sink.row($0) })
        var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: MemoryByteSource(Self.stream())))
        sink.end(status: try driver.run(ops: &builder).status)
        builder.finish()
        #expect(sink.vmas == 2)
        #expect(sink.rows == 3)
        #expect(sink.pages == 1024)
        #expect(sink.status == 0)
    }

    @Test func sameRowsFromTheWalkerOverRebuiltTables() throws {
        let tables = try StreamPageTables.build(from: MemoryByteSource(Self.stream())).pageTables
        var rows: [MappingRow] = []
        var builder = MappingRowBuilder(pfnVisible: true, emit: { rows.append($0) })
        let result = PageWalker(source: tables).walkPageRange(start: 0x40_0000, end: 0x80_0000, ops: &builder)
        builder.finish()
        #expect(result == 0)
        #expect(rows == Self.expected)
    }

    @Test func pfnOfAnyPageInARow() {
        let thp = Self.expected[2]
        #expect(thp.payload(at: Self.thpStart + 5 * 4096) == 0x205)
        #expect(thp.pageCount == 512)
    }

    @Test func hiddenPFNsMergeOnEqualPayloads() {
        var rows: [MappingRow] = []
        var builder = MappingRowBuilder(pfnVisible: false, emit: { rows.append($0) })
        var walk = WalkContext(geometry: .x86_64FourLevel, vma: VMA(start: 0, end: 0x10_0000))
        let hidden = PageTableEntry(level: .pte, raw: 0x867, info: EntryInfo(kind: .present, flags: [.leaf, .write]))
        for page in 0..<4 as Range<UInt64> {
            _ = builder.pteEntry(hidden, addr: page * 4096, next: (page + 1) * 4096, walk: &walk)
        }
        builder.finish()
        #expect(rows.count == 1)
        #expect(rows.first?.pageCount == 4)
        #expect(rows.first?.payloadStep == 0)
    }

    @Test func discontiguousPFNsSplitRows() {
        var rows: [MappingRow] = []
        var builder = MappingRowBuilder(pfnVisible: true, emit: { rows.append($0) })
        var walk = WalkContext(geometry: .x86_64FourLevel, vma: VMA(start: 0, end: 0x10_0000))
        for (page, pfn) in [(0, 7), (1, 8), (2, 30)] as [(UInt64, UInt64)] {
            let e = PageTableEntry(level: .pte, raw: 0, info: EntryInfo(kind: .present, flags: [.leaf], payload: pfn))
            _ = builder.pteEntry(e, addr: page * 4096, next: (page + 1) * 4096, walk: &walk)
        }
        builder.finish()
        #expect(rows.map(\.pageCount) == [2, 1])
        #expect(rows.map(\.payload) == [7, 30])
    }

    /// Entries alike in kind, flags and payload but whose raw values do not
    /// advance by one step (a bit the info word does not decode, here PCD)
    /// are not one row: a row's raw values must be `raw + i * raw_step`.
    @Test func rawValuesThatDoNotAdvanceUniformlySplitRows() {
        var rows: [MappingRow] = []
        var builder = MappingRowBuilder(pfnVisible: true, emit: { rows.append($0) })
        var walk = WalkContext(geometry: .x86_64FourLevel, vma: VMA(start: 0, end: 0x10_0000))
        let pcd: UInt64 = 1 << 4
        for (page, extra) in [(0, 0), (1, 0), (2, pcd), (3, pcd)] as [(UInt64, UInt64)] {
            let pfn = 0x50 + page
            let e = PageTableEntry(level: .pte, raw: pfn << 12 | 0x67 | extra,
                                   info: EntryInfo(kind: .present, flags: [.leaf], payload: pfn))
            _ = builder.pteEntry(e, addr: page * 4096, next: (page + 1) * 4096, walk: &walk)
        }
        builder.finish()
        // Pages 0-1 step by 0x1000; page 2 would need 0x1010; pages 2-3 again 0x1000.
        #expect(rows.map(\.pageCount) == [2, 2])
        #expect(rows.map(\.raw) == [0x50067, 0x52077])
        #expect(rows.map(\.rawStep) == [0x1000, 0x1000])
        #expect(rows.map(\.entryCount) == [2, 2])
    }

    @Test func holesOutsideVMAsAreNotRows() {
        var rows: [MappingRow] = []
        var builder = MappingRowBuilder(pfnVisible: true, emit: { rows.append($0) })
        var walk = WalkContext(geometry: .x86_64FourLevel)
        _ = builder.pteHole(addr: 0, next: 0x1000_0000, depth: .noVMA, walk: &walk)
        builder.finish()
        #expect(rows.isEmpty)
    }
}
