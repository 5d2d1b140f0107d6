import Foundation
import SystemPackage
import Testing
@testable import PgwalkKit
#if canImport(Glibc)
import Glibc
#endif

/// The overview's three entry points (``Pgwalk``) and ``ModuleLikeOps``, on
/// streams recorded from the module and on this process's own /proc.
@Suite struct PgwalkEntryPointTests {
    typealias F = StreamFixture

    static let streams = ["target-4level.pgw", "target-4level-seq.pgw", "target-5level.pgw", "target-5level-seq.pgw"]

    static func path(_ name: String) throws -> FilePath {
        FilePath(try #require(FixtureTests.directory).appendingPathComponent(name).path)
    }

    /// What a script's own callbacks see: the entry calls, in order.
    struct EntryLog: PageWalkOps {
        let callbacks: Set<WalkCallback> = [.pmdEntry, .pteEntry, .hugetlbEntry]
        var calls: [String] = []

        mutating func pmdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
            calls.append("pmd \(String(addr, radix: 16)) \(String(entry.raw, radix: 16))")
            return 0
        }

        mutating func pteEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
            calls.append("pte \(String(addr, radix: 16)) \(String(entry.raw, radix: 16))")
            return 0
        }

        mutating func hugetlbEntry(_ entry: PageTableEntry, hmask: UInt64, addr: UInt64, next: UInt64,
                                   walk: inout WalkContext) -> Int32 {
            calls.append("hugetlb \(String(addr, radix: 16)) \(String(entry.raw, radix: 16))")
            return 0
        }
    }

    /// The same log, taking the stream's runs through the replay hooks.
    struct BatchedEntryLog: StreamReplayOps {
        var log = EntryLog()
        var noneRuns = 0
        var callbacks: Set<WalkCallback> { log.callbacks }

        mutating func pmdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
            log.pmdEntry(entry, addr: addr, next: next, walk: &walk)
        }

        mutating func pteEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64, walk: inout WalkContext) -> Int32 {
            log.pteEntry(entry, addr: addr, next: next, walk: &walk)
        }

        mutating func hugetlbEntry(_ entry: PageTableEntry, hmask: UInt64, addr: UInt64, next: UInt64,
                                   walk: inout WalkContext) -> Int32 {
            log.hugetlbEntry(entry, hmask: hmask, addr: addr, next: next, walk: &walk)
        }

        mutating func pteNoneRun(addr: UInt64, count: Int, walk: inout WalkContext) -> Int32 {
            noneRuns += 1
            for page in 0..<UInt64(count) {
                let at = addr + page * walk.geometry.pageSize
                _ = log.pteEntry(.none(.pte), addr: at, next: at + walk.geometry.pageSize, walk: &walk)
            }
            return 0
        }
    }

    // MARK: - Replay a saved stream through one's own callbacks

    /// A saved stream replayed through plain callbacks makes the calls the
    /// walker model makes, module-like, on the tables rebuilt from the same
    /// stream: the replay is the module's walk, not a reinterpretation.
    @Test(arguments: streams)
    func replayMakesTheModelsModuleLikeCalls(name: String) throws {
        var replayed = EntryLog()
        let end = try Pgwalk.replay(savedStream: try Self.path(name), through: &replayed)
        #expect(end.status == 0)
        #expect(replayed.calls.contains { $0.hasPrefix("pte ") })

        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try Self.path(name).string)))
        let rebuilt = try StreamPageTables.build(from: MemoryByteSource(bytes))
        var modelled = ModuleLikeOps(EntryLog())
        let result = PageWalker(source: rebuilt.pageTables, semantics: .linux6_1)
            .walkPageRange(start: rebuilt.header.start, end: rebuilt.header.end, ops: &modelled)
        #expect(result == 0)
        #expect(modelled.base.calls == replayed.calls)
    }

    /// Ops that take NONE_RUN and PTE_SEQ in one step see the same calls
    /// as plain ops; the seq streams do carry runs.
    @Test(arguments: streams)
    func replayHooksChangeNothingButTheSteps(name: String) throws {
        var plain = EntryLog()
        var batched = BatchedEntryLog()
        _ = try Pgwalk.replay(savedStream: try Self.path(name), through: &plain)
        _ = try Pgwalk.replay(savedStream: try Self.path(name), through: &batched)
        #expect(batched.log.calls == plain.calls)
        #expect(batched.noneRuns > 0)
    }

    /// The overview's example, as written there: the huge PMDs a replay
    /// finds are the ones the model finds walking module-like.
    struct HugeLeaves: PageWalkOps {
        let callbacks: Set<WalkCallback> = [.pmdEntry]
        var found: [UInt64] = []
        mutating func pmdEntry(_ entry: PageTableEntry, addr: UInt64, next: UInt64,
                               walk: inout WalkContext) -> Int32 {
            if entry.isLeaf { found.append(addr) }
            return 0
        }
    }

    @Test(arguments: streams)
    func theOverviewsExampleFindsTheSameHugeLeavesBothWays(name: String) throws {
        var ops = HugeLeaves()
        _ = try Pgwalk.replay(savedStream: try Self.path(name), through: &ops)
        #expect(!ops.found.isEmpty, "\(name) holds a THP")

        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try Self.path(name).string)))
        var modelled = ModuleLikeOps(HugeLeaves())
        let tables = try StreamPageTables.build(from: MemoryByteSource(bytes))
        _ = PageWalker(source: tables.pageTables)
            .walkPageRange(start: tables.header.start, end: tables.header.end, ops: &modelled)
        #expect(modelled.base.found == ops.found)
    }

    // MARK: - Walk into rows

    /// The rows of a saved stream tile every walked VMA (within the walked
    /// range) without gaps or overlaps, and count the PTE calls the
    /// stream holds.
    @Test(arguments: streams)
    func rowsOfASavedStreamTileTheWalkedVMAs(name: String) throws {
        let walk = try Pgwalk.rows(ofSavedStream: try Self.path(name))
        #expect(walk.description.source == .snapshot)
        #expect(walk.status == 0)
        let walked = walk.vmas.filter { !$0.flags.contains(.notWalked) }
        #expect(!walked.isEmpty)
        for vma in walked {
            let rows = walk.rows.filter { $0.vmaStart == vma.start }
            var at = max(vma.start, walk.description.start)
            for row in rows {
                #expect(row.start == at, "\(name): a gap or overlap at \(String(at, radix: 16))")
                at = row.end
            }
            #expect(at == min(vma.end, walk.description.end), "\(name): VMA \(String(vma.start, radix: 16)) not covered")
        }

        var log = EntryLog()
        _ = try Pgwalk.replay(savedStream: try Self.path(name), through: &log)
        let ptePages = walk.rows.filter { $0.placement == .level(.pte) && $0.vmaStart != nil }
            .reduce(UInt64(0)) { $0 + $1.entryCount }
        #expect(ptePages == UInt64(log.calls.filter { $0.hasPrefix("pte ") }.count))
    }

    /// This process through pagemap: of eight fresh pages, the three
    /// written are present and the five never touched are not.
    @Test func rowsOfThisProcessFromPagemap() throws {
        let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        let length = Int(8 * pageSize)
        let mapping = try #require(mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        #expect(mapping != MAP_FAILED)
        defer { munmap(mapping, length) }
        // No (m)THP: each write faults in its own page.
        #expect(madvise(mapping, length, MADV_NOHUGEPAGE) == 0)
        let base = UInt64(UInt(bitPattern: mapping))
        for page in 0..<3 { mapping.storeBytes(of: 0x5a, toByteOffset: page * Int(pageSize), as: UInt8.self) }

        let walk = try Pgwalk.rows(ofProcess: getpid(), start: base, end: base + 8 * pageSize, source: .pagemap)
        #expect(walk.description.source == .pagemap)
        #expect(walk.vmas.contains { $0.start <= base && base + 8 * pageSize <= $0.end })
        func kind(at address: UInt64) -> EntryKind? {
            walk.rows.first { $0.start <= address && address < $0.end }?.kind
        }
        for page in 0..<UInt64(8) {
            #expect(kind(at: base + page * pageSize) == (page < 3 ? .present : EntryKind.none), "page \(page)")
        }
    }

    // MARK: - Verify a pid

    /// verify of a process that does not exist fails as ProcfsError's
    /// process-gone, before any walk; of one that does, without the
    /// module, as the module's error (never a report).
    @Test func verifyReportsWhyItCannotRun() throws {
        var gone: pid_t = 0
        // A pid just reaped is free until the kernel cycles round.
        let child = fork()
        if child == 0 { _exit(0) }
        #expect(child > 0)
        var status: Int32 = 0
        waitpid(child, &status, 0)
        gone = child
        #expect {
            _ = try Pgwalk.verify(pid: gone)
        } throws: { error in
            (error as? ProcfsError)?.reason == .processGone
        }

        let loaded = FileManager.default.fileExists(atPath: ModulePaths.default.directory)
        if !loaded {
            #expect(throws: ModuleError.self) { _ = try Pgwalk.verify(pid: getpid()) }
        }
    }

    // MARK: - Module-like ops

    /// Plain ops with `pmd_entry` and `pte_entry` set split a huge PMD in
    /// the model (SUBTREE left as it was); wrapped in ModuleLikeOps they see
    /// it once, whole, as the module does.
    @Test func moduleLikeOpsNeverSplitAHugePMD() throws {
        var tables = PageTables(geometry: .x86_64FourLevel)
        try tables.setVMA(VMA(start: 0x40_0000, end: 0x80_0000))
        tables.setEntry(F.table(.pgd, raw: 0x1067), at: 0)
        tables.setEntry(F.table(.pud, raw: 0x2067), at: 0)
        let thp = F.leaf(.pmd, pfn: 0x200)
        tables.setEntry(thp, at: 0x40_0000)
        tables.setEntry(thp, at: 0x60_0000)

        var plain = EntryLog()
        _ = PageWalker(source: tables).walkPageRange(start: 0x40_0000, end: 0x80_0000, ops: &plain)
        #expect(plain.calls.filter { $0.hasPrefix("pte ") }.count == 2 * 512)

        var wrapped = ModuleLikeOps(EntryLog())
        #expect(PageWalker(source: tables).walkPageRange(start: 0x40_0000, end: 0x80_0000, ops: &wrapped) == 0)
        let thpRaw = String(thp.raw, radix: 16)
        #expect(wrapped.base.calls == ["pmd 400000 \(thpRaw)", "pmd 600000 \(thpRaw)"])
    }

    /// A VM_PFNMAP VMA is skipped as the module skips it; others are walked.
    @Test func moduleLikeOpsSkipPFNMapVMAs() throws {
        var tables = PageTables(geometry: .x86_64FourLevel)
        try tables.setVMA(VMA(start: 0x40_0000, end: 0x40_1000, flags: [.read, .write, .pfnMap, .io]))
        try tables.setVMA(VMA(start: 0x40_1000, end: 0x40_2000))
        tables.setEntry(F.table(.pgd, raw: 0x1067), at: 0)
        tables.setEntry(F.table(.pud, raw: 0x2067), at: 0)
        tables.setEntry(F.table(.pmd, raw: 0x3067), at: 0x40_0000)
        let leaf = F.leaf(.pte, pfn: 0x1234)
        tables.setPTE(raw: leaf.raw, info: leaf.info, at: 0x40_0000)
        tables.setPTE(raw: leaf.raw, info: leaf.info, at: 0x40_1000)

        var wrapped = ModuleLikeOps(EntryLog())
        #expect(PageWalker(source: tables).walkPageRange(start: 0x40_0000, end: 0x40_2000, ops: &wrapped) == 0)
        #expect(!wrapped.base.calls.contains { $0.hasPrefix("pte 400000 ") })
        #expect(wrapped.base.calls.contains { $0.hasPrefix("pte 401000 ") })
    }
}
