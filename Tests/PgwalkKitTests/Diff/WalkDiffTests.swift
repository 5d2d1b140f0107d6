import Testing
@testable import PgwalkKit
@testable import PgwalkRender

/// WalkDiff on constructed walks: each case below states by hand what one
/// mm operation does to the rows of a walk, and what the diff must call it.
@Suite struct WalkDiffTests {
    static let vmaStart: UInt64 = 0x7f00_0000_0000
    static let page: UInt64 = 4096

    static func walk(_ rows: [MappingRow], vmas: [VMA]? = nil, pfnVisible: Bool = true) -> CollectedWalk {
        let description = WalkDescription(pid: 42, source: .snapshot, geometry: .x86_64FourLevel,
                                          kernelRelease: "test", pfnVisible: pfnVisible, start: 0,
                                          end: PagingGeometry.x86_64FourLevel.userAddressLimit)
        return CollectedWalk(description: description,
                             vmas: vmas ?? [VMA(start: vmaStart, end: vmaStart + 0x40_0000)], rows: rows)
    }

    /// `pages` pages from page `first` of the VMA, PFNs from `pfn` on.
    static func row(_ first: UInt64, _ pages: UInt64, _ kind: EntryKind = .present, level: PageTableLevel = .pte,
                    flags: EntryFlags = [.write, .user, .accessed, .dirty], pfn: UInt64 = 0) -> MappingRow {
        MappingRow(start: vmaStart + first * page, end: vmaStart + (first + pages) * page, placement: .level(level),
                   kind: kind, flags: kind == .none ? [] : flags, swapType: 0, payload: pfn,
                   payloadStep: kind == .present || kind == .swap ? 1 : 0, vmaStart: vmaStart)
    }

    static func diff(_ before: [MappingRow], _ after: [MappingRow], pfnVisible: Bool = true) throws -> WalkDiff {
        try WalkDiff(before: walk(before, pfnVisible: pfnVisible), after: walk(after, pfnVisible: pfnVisible))
    }

    @Test func identicalWalksHaveNoChanges() throws {
        let rows = [Self.row(0, 16, pfn: 100), Self.row(16, 496, .none)]
        let d = try Self.diff(rows, rows)
        #expect(d.vmas.isEmpty)
        #expect(d.totals.isEmpty)
    }

    @Test func pagesWrittenAreMappedAsOneRun() throws {
        // 16 none pages become 16 present pages with consecutive frames.
        let d = try Self.diff([Self.row(0, 512, .none)], [Self.row(0, 16, pfn: 500), Self.row(16, 496, .none)])
        #expect(d.totals == [.mapped: 16])
        #expect(d.vmas.count == 1)
        let run = try #require(d.vmas.first?.runs.first)
        #expect(run.start == Self.vmaStart && run.end == Self.vmaStart + 16 * Self.page)
        #expect(run.after?.payload == 500)
        #expect(d.vmas[0].runs.count == 1)
    }

    @Test func framesThatDoNotFollowEachOtherAreSeparateRuns() throws {
        // Two pages mapped, to frames 7 and 3: the run must not claim 7, 8.
        let d = try Self.diff([Self.row(0, 2, .none)], [Self.row(0, 1, pfn: 7), Self.row(1, 1, pfn: 3)])
        #expect(d.totals == [.mapped: 2])
        #expect(d.vmas[0].runs.map { $0.after?.payload } == [7, 3])
    }

    @Test func unmapped() throws {
        let d = try Self.diff([Self.row(0, 4, pfn: 10)], [Self.row(0, 4, .none)])
        #expect(d.totals == [.unmapped: 4])
    }

    @Test func newFrameCauseComesFromTheWriteBit() throws {
        let readOnly: EntryFlags = [.user, .accessed]
        let writable: EntryFlags = [.user, .accessed, .write, .dirty]
        let cow = try Self.diff([Self.row(0, 4, flags: readOnly, pfn: 10)], [Self.row(0, 4, flags: writable, pfn: 90)])
        #expect(cow.totals == [.cowBroken: 4])
        #expect(cow.vmas[0].runs[0].flagsSet == [.write, .dirty])
        let ksm = try Self.diff([Self.row(0, 4, flags: writable, pfn: 10)], [Self.row(0, 4, flags: readOnly, pfn: 90)])
        #expect(ksm.totals == [.ksmMerged: 4])
        #expect(ksm.vmas[0].runs[0].flagsCleared == [.write, .dirty])
        let moved = try Self.diff([Self.row(0, 4, flags: writable, pfn: 10)], [Self.row(0, 4, flags: writable, pfn: 90)])
        #expect(moved.totals == [.migrated: 4])
    }

    @Test func framesAreNotComparedWhenPFNsAreHidden() throws {
        // Without PFNs every payload is 0: the same walk, nothing to tell.
        let d = try Self.diff([Self.row(0, 4)], [Self.row(0, 4)], pfnVisible: false)
        #expect(!d.framesCompared)
        #expect(d.vmas.isEmpty)
    }

    @Test func thpSplitAndCollapse() throws {
        let pmd = [Self.row(0, 512, level: .pmd, pfn: 0x200)]
        let ptes = [Self.row(0, 512, pfn: 0x200)]
        #expect(try Self.diff(pmd, ptes).totals == [.thpSplit: 512])
        // Collapsing copies into a new huge page: another frame, still a collapse.
        #expect(try Self.diff(ptes, [Self.row(0, 512, level: .pmd, pfn: 0x400)]).totals == [.thpCollapsed: 512])
    }

    @Test func swappedOutAndIn() throws {
        let present = [Self.row(0, 8, pfn: 10)]
        let swapped = [Self.row(0, 8, .swap, flags: [.softDirty], pfn: 3)]
        #expect(try Self.diff(present, swapped).totals == [.swappedOut: 8])
        #expect(try Self.diff(swapped, present).totals == [.swappedIn: 8])
    }

    @Test func flagsChangedNameWhatWasSetAndCleared() throws {
        let d = try Self.diff([Self.row(0, 4, flags: [.write, .user, .accessed, .softDirty], pfn: 10)],
                              [Self.row(0, 4, flags: [.user, .accessed, .uffdWP], pfn: 10)])
        #expect(d.totals == [.flagsChanged: 4])
        let run = d.vmas[0].runs[0]
        #expect(run.flagsSet == [.uffdWP])
        #expect(run.flagsCleared == [.write, .softDirty])
    }

    @Test func aMarkerInstalledIsAnotherChange() throws {
        let d = try Self.diff([Self.row(0, 2, .none)], [Self.row(0, 2, .marker, flags: [], pfn: 4)])
        #expect(d.totals == [.other: 2])
    }

    @Test func vmasAddedRemovedAndChanged() throws {
        let a = VMA(start: Self.vmaStart, end: Self.vmaStart + 0x2000)
        let b = VMA(start: Self.vmaStart + 0x10000, end: Self.vmaStart + 0x11000)
        let bWider = VMA(start: b.start, end: b.end + 0x1000)
        let c = VMA(start: Self.vmaStart + 0x20000, end: Self.vmaStart + 0x21000)
        let before = Self.walk([], vmas: [a, b])
        let after = Self.walk([], vmas: [bWider, c])
        let d = try WalkDiff(before: before, after: after)
        #expect(d.vmas.map(\.status) == [.removed, .changed, .added])
        #expect(d.vmas.map(\.vma.start) == [a.start, b.start, c.start])
    }

    @Test func differentGeometriesAreRefused() {
        var five = Self.walk([])
        five.description.geometry = .x86_64FiveLevel
        #expect(throws: WalkDiff.Mismatch.self) { try WalkDiff(before: Self.walk([]), after: five) }
    }

    /// The JSON lists every category in the totals and counts pages as the
    /// runs' bounds say.
    @Test func jsonTotalsAndRuns() throws {
        let d = try Self.diff([Self.row(0, 512, .none)], [Self.row(0, 3, pfn: 9), Self.row(3, 509, .none)])
        let json = WalkDiffRenderer.json(d)
        #expect(json.contains("\"schema\":\"pgwalk.diff/1\""))
        #expect(json.contains("\"mapped\":3,\"unmapped\":0"))
        #expect(json.contains("\"start\":\"0x7f0000000000\",\"end\":\"0x7f0000003000\",\"pages\":3,\"change\":\"mapped\""))
    }
}
