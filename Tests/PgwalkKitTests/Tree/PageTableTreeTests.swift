import Foundation
import SystemPackage
import Testing
@testable import PgwalkKit
@testable import PgwalkRender

/// `walk --tree` on the recorded fixtures of every kernel (plain, trace,
/// resumed in 16 KiB chunks), checked against ``IndependentStreamReader``,
/// and on a synthetic 64 GiB sparse mapping.
@Suite struct PageTableTreeTests {
    static func tree(_ bytes: [UInt8]) throws -> (PageTableTree, StreamHeader) {
        var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: MemoryByteSource(bytes)))
        var builder = PageTableTreeBuilder(geometry: driver.header.geometry,
                                           pfnVisible: driver.header.flags.contains(.pfnVisible))
        _ = try driver.run(ops: &builder)
        return (builder.finish(), driver.header)
    }

    /// Every table of the tree, each with the entry pointing to it (nil for the root).
    static func tables(_ table: PageTableTree.Table,
                       pointer: PageTableTree.Pointer? = nil) -> [(pointer: PageTableTree.Pointer?, table: PageTableTree.Table)] {
        var all: [(pointer: PageTableTree.Pointer?, table: PageTableTree.Table)] = [(pointer, table)]
        for case .table(let p) in table.items { all += tables(p.table, pointer: p) }
        return all
    }

    @Test(arguments: FixtureTests.fixtures())
    func tablesRunsAndRawValuesAreTheStreams(url: URL) throws {
        let reader = try IndependentStreamReader(contentsOf: url)
        let (tree, header) = try Self.tree([UInt8](try Data(contentsOf: url)))
        let x86Frame: UInt64 = 0x000f_ffff_ffff_f000
        var ptesSeen = Set<UInt64>()
        for o in reader.observations where o.level == 4 { ptesSeen.insert(o.addr) }
        var ptesInTree: UInt64 = 0
        var pteTables = 0
        for (pointer, table) in Self.tables(tree.root) {
            if let pointer {
                // The pointer's value is the stream's, at the level above.
                let above = table.level == .pud && header.geometry.isFolded(.p4d) ? 0 : table.level.rawValue - 1
                let slotSize = header.geometry.entrySize(PageTableLevel(rawValue: above)!)
                #expect(pointer.raw == reader.raw(at: above, slot: table.start, size: slotSize),
                        "\(url.lastPathComponent): pointer to the \(table.level) table at \(Hex.short(table.start))")
                if reader.pfnVisible {
                    #expect(table.frame.map { $0 << 12 } == pointer.raw & x86Frame)
                }
            }
            var counted: UInt64 = 0
            for case .run(let row, let first) in table.items {
                counted += row.entryCount
                #expect(first == header.geometry.index(table.level, row.start))
                guard table.level == .pte else { continue }
                ptesInTree += row.entryCount
                // Every entry of a run is raw + i * raw_step, as streamed.
                for i in 0..<row.entryCount {
                    #expect(row.raw(ofEntry: i) == reader.raw(at: 4, covering: row.start + i * 4096),
                            "\(url.lastPathComponent) \(Hex.short(row.start + i * 4096))")
                }
            }
            counted += UInt64(table.items.filter { if case .table = $0 { return true } else { return false } }.count)
            #expect(counted == table.counts.total, "\(url.lastPathComponent): \(table.level) table at \(Hex.short(table.start))")
            if table.level == .pte { pteTables += 1 }
        }
        #expect(pteTables > 0)
        #expect(ptesInTree == UInt64(ptesSeen.count), "\(url.lastPathComponent): every PTE the stream shows, once")
        if reader.levels == 4 {
            #expect(Self.tables(tree.root).allSatisfy { $0.table.level != .p4d }, "the folded p4d has no tables")
        }
    }

    /// A 64 GiB anonymous mapping with one page touched: the walker reports
    /// 63 none PUD-level slots and 511 none PMDs as holes, one PTE table
    /// with one present page. The tree is a handful of lines.
    static func sparse() -> [UInt8] {
        let base: UInt64 = 0x7f00_0000_0000   // 1 GiB aligned, pgd 254
        let end = base + (64 << 30)
        let h = StreamFixture.header(trace: false, start: 0, end: 0x7fff_ffff_f000)
        var records: [StreamRecord] = [
            StreamFixture.vma(base, end),
            StreamFixture.entry(StreamFixture.table(.pgd, raw: 0x1000 | 0x67), base, end, .subtree),
            StreamFixture.entry(StreamFixture.table(.p4d, raw: 0x1000 | 0x67), base, end, .subtree),
            StreamFixture.entry(StreamFixture.table(.pud, raw: 0x2000 | 0x67), base, base + (1 << 30), .subtree),
            StreamFixture.entry(StreamFixture.table(.pmd, raw: 0x3000 | 0x67), base, base + (2 << 20), .subtree),
            .pteRun(PTERunRecord(addr: base, entries: [.init(raw: 0x8000_0000_0004_2867,
                                 info: EntryInfo(kind: .present, flags: [.leaf, .write, .user], payload: 0x42))])),
            .noneRun(NoneRunRecord(addr: base + 0x1000, count: 511)),
            .hole(HoleRecord(addr: base + (2 << 20), end: base + (1 << 30), depth: HoleDepth(rawValue: 3)!, count: 511)),
        ]
        records.append(.hole(HoleRecord(addr: base + (1 << 30), end: end, depth: HoleDepth(rawValue: 2)!, count: 63)))
        return StreamFixture.stream(h, records)
    }

    @Test func aSparse64GiBMappingIsAFewLines() throws {
        let (tree, header) = try Self.tree(Self.sparse())
        let description = WalkDescription(header: header, source: .snapshot)
        let (pipeRead, pipeWrite) = try FileDescriptor.pipe()
        let out = TextOutput(pipeWrite)
        PageTableTreeRenderer.text(tree, description: description, depth: nil, to: out)
        try pipeWrite.close()
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        let n = try bytes.withUnsafeMutableBytes { try pipeRead.read(into: $0) }
        try pipeRead.close()
        let lines = String(decoding: bytes[0..<n], as: UTF8.self).split(separator: "\n")
        #expect(lines.count <= 12, "\(lines.joined(separator: "\n"))")
        let all = Self.tables(tree.root)
        let pud = all.first { $0.table.level == .pud }!.table
        #expect(pud.counts == PageTableTree.Counts(present: 1, huge: 0, nonPresent: 0, none: 63))
        #expect(pud.firstIndex == 0 && pud.lastIndex == 63)
        let pmd = all.first { $0.table.level == .pmd }!.table
        #expect(pmd.counts.none == 511 && pmd.counts.present == 1)
        let pte = all.first { $0.table.level == .pte }!.table
        #expect(pte.frame == 3)
        #expect(pte.counts == PageTableTree.Counts(present: 1, huge: 0, nonPresent: 0, none: 511))
        // The none rows carry no flags.
        #expect(lines.contains { $0.contains("[1-511]") && $0.hasSuffix("none") })
    }

    /// --depth 2: the pgd's and the pud tables' contents; the pmd tables
    /// only as their summary line, no PTE runs.
    @Test func depthLimitsTheLevelsShown() throws {
        let (tree, header) = try Self.tree(Self.sparse())
        let (pipeRead, pipeWrite) = try FileDescriptor.pipe()
        PageTableTreeRenderer.text(tree, description: WalkDescription(header: header), depth: 2, to: TextOutput(pipeWrite))
        try pipeWrite.close()
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        let n = try bytes.withUnsafeMutableBytes { try pipeRead.read(into: $0) }
        let text = String(decoding: bytes[0..<n], as: UTF8.self)
        #expect(text.contains("-> pmd table"))
        #expect(!text.contains("-> pte table"))
        #expect(!text.contains(" pte "))
    }
}
