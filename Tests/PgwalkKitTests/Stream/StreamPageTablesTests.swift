import Foundation
import SystemPackage
import Testing
@testable import PgwalkKit

@Suite struct StreamPageTablesTests {
    typealias F = StreamFixture

    /// A non-trace stream (suppressed repeats) and its trace equivalent must
    /// rebuild the same tables.
    @Test func rebuildsTablesFromAStream() throws {
        let thp = F.leaf(.pmd, pfn: 0x300)
        let records: [StreamRecord] = [
            F.vma(0x40_0000, 0x80_0000, name: "/lib/libc.so.6"),
            F.entry(F.table(.pgd, raw: 0x1067), 0x40_0000, 0x80_0000, .subtree),
            F.entry(F.table(.p4d, raw: 0x1067), 0x40_0000, 0x80_0000, .subtree),
            F.entry(F.table(.pud, raw: 0x2067), 0x40_0000, 0x80_0000, .subtree),
            F.entry(F.table(.pmd, raw: 0x3067), 0x40_0000, 0x60_0000, .subtree),
            .pteRun(PTERunRecord(addr: 0x40_0000, entries: [.init(raw: 0x1234867, info: F.leaf(.pte, pfn: 0x1234).info)])),
            .noneRun(NoneRunRecord(addr: 0x40_1000, count: 511)),
            F.entry(thp, 0x60_0000, 0x80_0000, .continue),
        ]
        let bytes = F.stream(F.header(trace: false, start: 0x40_0000, end: 0x80_0000), records)
        let built = try StreamPageTables.build(from: MemoryByteSource(bytes, chunkLimit: 7))
        let tables = built.pageTables
        #expect(tables.vmas.map(\.name) == ["/lib/libc.so.6"])
        #expect(tables.entry(at: .pgd, address: 0x40_0000).raw == 0x1067)
        #expect(tables.entry(at: .p4d, address: 0x40_0000).raw == 0x1067)   // folded into the pgd
        #expect(tables.entry(at: .pte, address: 0x40_0000).info.pfn == 0x1234)
        #expect(tables.entry(at: .pte, address: 0x40_1000).isNone)
        #expect(tables.entry(at: .pmd, address: 0x60_0000) == thp)
        #expect(tables.pteTableCount == 1)
        #expect(built.end?.status == 0)
    }

    @Test func laterObservationsWinAndHolesClear() throws {
        let header = F.header(start: 0x40_0000, end: 0x70_0000)
        var tables = StreamPageTables(header: header)
        try tables.apply(F.entry(F.table(.pmd, raw: 0x3067), 0x40_0000, 0x60_0000, .subtree))
        try tables.apply(.hole(HoleRecord(addr: 0x40_0000, end: 0x60_0000, depth: HoleDepth(rawValue: 3)!, count: 1)))
        #expect(tables.pageTables.entry(at: .pmd, address: 0x40_0000).isNone)
        try tables.apply(F.vma(0x40_0000, 0x40_2000))
        try tables.apply(F.vma(0x40_0000, 0x40_2000))
        try tables.apply(F.vma(0x40_1000, 0x40_3000))   // overlaps: replaces
        #expect(tables.pageTables.vmas.map(\.start) == [0x40_1000])
    }

    @Test func hugetlbRecordsGiveTheVMAItsPageSize() throws {
        var tables = StreamPageTables(header: F.header(start: 0x4000_0000, end: 0x4080_0000))
        try tables.apply(F.vma(0x4000_0000, 0x4080_0000, [.read, .hugetlb]))
        try tables.apply(.hugetlb(HugetlbRecord(addr: 0x4000_0000, next: 0x4020_0000, hmask: ~UInt64(0x1f_ffff),
                                                raw: 0x80_00e7, info: F.leaf(.pmd, pfn: 0x800).info)))
        try tables.apply(F.vma(0x4000_0000, 0x4080_0000, [.read, .hugetlb]))   // resumed pre_vma
        #expect(tables.pageTables.vmas.first?.hugePageSize == 0x20_0000)
        #expect(tables.pageTables.hugetlbEntry(at: 0x4000_0000, pageSize: 0x20_0000)?.raw == 0x80_00e7)
        #expect(tables.pageTables.hugetlbEntry(at: 0x4020_0000, pageSize: 0x20_0000) == nil)
    }

    @Test func testWalkAloneInfersAVMA() throws {
        var tables = StreamPageTables(header: F.header())
        try tables.apply(.testWalk(TestWalkRecord(addr: 0x40_0000, next: 0x50_0000, result: 1)))
        #expect(tables.pageTables.vmas == [VMA(start: 0x40_0000, end: 0x50_0000, flags: [.pfnMap])])
    }

    @Test func snapshotsRoundTripThroughAFile() throws {
        let bytes = F.stream(F.header(trace: false), [F.vma(0x40_0000, 0x40_2000, name: "[heap]")])
        let path = FilePath(NSTemporaryDirectory() + "pgwalk-snapshot-\(getpid()).pgw")
        defer { try? FileManager.default.removeItem(atPath: path.string) }
        try Snapshot.save(bytes, to: path)
        let snapshot = try Snapshot.load(from: path)
        #expect(snapshot.pageTables.vmas.first?.name == "[heap]")
        #expect(snapshot.end.records == 1)

        // Saving while decoding, as the CLI does with the live walk file.
        let copyPath = FilePath(NSTemporaryDirectory() + "pgwalk-copy-\(getpid()).pgw")
        defer { try? FileManager.default.removeItem(atPath: copyPath.string) }
        let copy = try FileDescriptor.open(copyPath, .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
        _ = try copy.closeAfter {
            try StreamPageTables.build(from: RecordingByteSource(MemoryByteSource(bytes, chunkLimit: 9), copyTo: copy))
        }
        let copied = try FileDescriptor.open(copyPath, .readOnly)
        var read = [UInt8](repeating: 0, count: bytes.count + 10)
        let count = try copied.closeAfter { try read.withUnsafeMutableBytes { try copied.read(into: $0) } }
        #expect(Array(read[0..<count]) == bytes)
    }

    @Test func loadingAMissingOrCorruptSnapshotExplainsWhy() throws {
        #expect(throws: Snapshot.LoadError.self) { try Snapshot.load(from: "/nonexistent/pgwalk.pgw") }
        var bytes = F.stream(F.header(), [])
        bytes.removeLast(40)
        let path = FilePath(NSTemporaryDirectory() + "pgwalk-truncated-\(getpid()).pgw")
        defer { try? FileManager.default.removeItem(atPath: path.string) }
        try Snapshot.save(bytes, to: path)
        do {
            _ = try Snapshot.load(from: path)
            Issue.record("a truncated snapshot loaded")
        } catch let error as Snapshot.LoadError {
            #expect((error.underlying as? StreamDecodingError)?.reason == .missingEnd)
            #expect(error.description.contains("truncated"))
        }
    }
}
