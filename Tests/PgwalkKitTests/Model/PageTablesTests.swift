import Testing
@testable import PgwalkKit

@Suite struct PageTablesTests {
    @Test func findVMAHasFindVMASemantics() throws {
        var tables = PageTables(geometry: .x86_64FourLevel)
        try tables.setVMA(VMA(start: 0x1000, end: 0x3000))
        try tables.setVMA(VMA(start: 0x5000, end: 0x6000))
        #expect(tables.findVMA(0)?.start == 0x1000)
        #expect(tables.findVMA(0x2fff)?.start == 0x1000)
        #expect(tables.findVMA(0x3000)?.start == 0x5000)   // the next one, not containing
        #expect(tables.findVMA(0x6000) == nil)
        #expect(throws: PageTablesError.self) { try tables.setVMA(VMA(start: 0x8000, end: 0x8000)) }
        #expect(throws: PageTablesError.self) { try tables.setVMA(VMA(start: 0x8800, end: 0x9000)) }
    }

    @Test func aDenseGigabyteStaysSmall() {
        var tables = PageTables(geometry: .x86_64FourLevel)
        let info = EntryInfo(kind: .present, flags: [.leaf, .user], payload: 1)
        let base: UInt64 = 0x4000_0000
        for page in 0..<UInt64(262_144) {
            tables.setPTE(raw: 0x867 | page << 12, info: info, at: base + page << 12)
        }
        #expect(tables.pteTableCount == 512)
        #expect(tables.estimatedByteCount < 6 << 20)
        #expect(tables.entry(at: .pte, address: base + 0x3fff_f000).raw == 0x867 | 0x3ffff << 12)
    }

    @Test func ensureTableEntriesMakesTheWalkerReachALevel() {
        var tables = PageTables(geometry: .x86_64FiveLevel)
        tables.ensureTableEntries(above: .pte, at: 0x40_0000)
        for level in [PageTableLevel.pgd, .p4d, .pud, .pmd] {
            #expect(tables.entry(at: level, address: 0x40_0000).info.isTable)
        }
        #expect(tables.entry(at: .pte, address: 0x40_0000).isNone)
        tables.clearEntry(at: .pmd, address: 0x40_0000)
        #expect(tables.entry(at: .pmd, address: 0x40_0000).isNone)
    }
}
