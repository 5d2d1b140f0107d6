import Testing
@testable import PgwalkKit

/// The rules of docs/VERIFY.md, one by one, on pagemap entries built bit by
/// bit from Documentation/admin-guide/mm/pagemap.rst.
@Suite struct PageExpectationTests {
    // pagemap bits
    static let present: UInt64 = 1 << 63
    static let swapped: UInt64 = 1 << 62
    static let file: UInt64 = 1 << 61
    static let uffdWP: UInt64 = 1 << 57
    static let softDirty: UInt64 = 1 << 55

    static let anonVMA = VMA(start: 0x1000, end: 0x10_0000, flags: [.read, .write])
    let rules = PageExpectation(pfnsVisible: true)

    func page(_ kind: EntryKind, flags: EntryFlags = [.leaf], payload: UInt64 = 0, swapType: UInt8 = 0,
              placement: MappingRow.Placement = .level(.pte), vma: VMA = anonVMA) -> PageExpectation.ModulePage {
        PageExpectation.ModulePage(address: 0x2000, placement: placement, kind: kind, flags: flags,
                                   swapType: swapType, payload: payload, vma: vma)
    }

    func fields(_ diffs: [PageExpectation.Difference]) -> [PageExpectation.Field] { diffs.map(\.field) }

    @Test func presentPageWithTheSamePFNMatches() {
        let e = PagemapEntry(rawValue: Self.present | 0x1234)
        #expect(rules.compare(page(.present, payload: 0x1234), with: e).isEmpty)
    }

    @Test func aDifferentPFNIsReported() {
        let e = PagemapEntry(rawValue: Self.present | 0x1235)
        #expect(fields(rules.compare(page(.present, payload: 0x1234), with: e)) == [.pfn])
    }

    @Test func hiddenPFNsAreNotCompared() {
        let hidden = PageExpectation(pfnsVisible: false)
        #expect(hidden.compare(page(.present, payload: 0), with: PagemapEntry(rawValue: Self.present)).isEmpty)
    }

    @Test func presenceMismatchStopsFurtherChecks() {
        let e = PagemapEntry(rawValue: 0)
        #expect(fields(rules.compare(page(.present, payload: 5), with: e)) == [.present])
    }

    @Test func swapEntryTypeAndOffsetComeFromTheFrameField() {
        // frame = type | offset << 5
        let e = PagemapEntry(rawValue: Self.swapped | (0x77 << 5) | 1)
        #expect(rules.compare(page(.swap, payload: 0x77, swapType: 1), with: e).isEmpty)
        #expect(fields(rules.compare(page(.swap, payload: 0x78, swapType: 1), with: e)) == [.swapOffset])
        #expect(fields(rules.compare(page(.swap, payload: 0x77, swapType: 2), with: e)) == [.swapType])
    }

    @Test func hugetlbNonPresentIsNeverSwappedInPagemap() {
        // pagemap_hugetlb_range() on 6.1 does not set PM_SWAP.
        let migrating = page(.migration, payload: 9, placement: .hugetlb(pageSize: 2 << 20))
        #expect(rules.compare(migrating, with: PagemapEntry(rawValue: 0)).isEmpty)
    }

    @Test func vmSoftDirtyMakesEveryPageSoftDirty() {
        let vma = VMA(start: 0x1000, end: 0x10_0000, flags: [.read, .write, .softDirty])
        let none = page(.none, flags: [], vma: vma)
        #expect(rules.compare(none, with: PagemapEntry(rawValue: Self.softDirty)).isEmpty)
        #expect(fields(rules.compare(none, with: PagemapEntry(rawValue: 0))) == [.softDirty])
    }

    @Test func entrySoftDirtyBitIsCompared() {
        let p = page(.present, flags: [.leaf, .softDirty], payload: 1)
        #expect(rules.compare(p, with: PagemapEntry(rawValue: Self.present | Self.softDirty | 1)).isEmpty)
        #expect(fields(rules.compare(p, with: PagemapEntry(rawValue: Self.present | 1))) == [.softDirty])
    }

    @Test func hugetlbIgnoresTheEntrySoftDirtyBit() {
        let p = page(.present, flags: [.leaf, .softDirty], payload: 1, placement: .hugetlb(pageSize: 2 << 20),
                     vma: VMA(start: 0, end: 2 << 20, flags: [.read, .write, .hugetlb], backing: .file))
        #expect(rules.compare(p, with: PagemapEntry(rawValue: Self.present | Self.file | 1)).isEmpty)
    }

    @Test func uffdWPMarkerReadsAsUffdWP() {
        let marker = page(.marker, payload: 1)
        #expect(rules.compare(marker, with: PagemapEntry(rawValue: Self.swapped | Self.uffdWP | (1 << 5))).isEmpty)
    }

    @Test func fileBitOfAnonymousAndSharedMemory() {
        let anon = page(.present, payload: 1)
        #expect(fields(rules.compare(anon, with: PagemapEntry(rawValue: Self.present | Self.file | 1))) == [.file])
        let shared = page(.present, payload: 1, vma: VMA(start: 0, end: 0x10_0000, flags: [.read, .shared],
                                                         backing: .sharedAnonymous))
        #expect(rules.compare(shared, with: PagemapEntry(rawValue: Self.present | Self.file | 1)).isEmpty)
        #expect(fields(rules.compare(shared, with: PagemapEntry(rawValue: Self.present | 1))) == [.file])
    }

    @Test func privateFileMappingNeedsKPageFlags() {
        let p = page(.present, payload: 1, vma: VMA(start: 0, end: 0x10_0000, flags: [.read], backing: .file))
        #expect(rules.needsFrameFlags(p))
        // Either value is accepted without kpageflags...
        #expect(rules.compare(p, with: PagemapEntry(rawValue: Self.present | 1)).isEmpty)
        #expect(rules.compare(p, with: PagemapEntry(rawValue: Self.present | Self.file | 1)).isEmpty)
        // ...and decided by KPF_ANON with it: a COW'd anonymous page has no file bit.
        #expect(fields(rules.compare(p, with: PagemapEntry(rawValue: Self.present | Self.file | 1),
                                     frameIsAnonymous: true)) == [.file])
    }

    /// Rule 7: a private file VMA without an anon_vma (NO_ANON_VMA) has no
    /// anonymous page, so its pages must carry the file bit, with no
    /// kpageflags asked; the 4 KiB zero page there still has none.
    @Test func privateFileMappingWithoutAnonVMAHoldsOnlyFilePages() {
        let vma = VMA(start: 0, end: 0x10_0000, flags: [.read, .exec, .noAnonVMA], backing: .file)
        let p = page(.present, payload: 1, vma: vma)
        #expect(!rules.needsFrameFlags(p))
        #expect(rules.compare(p, with: PagemapEntry(rawValue: Self.present | Self.file | 1)).isEmpty)
        #expect(fields(rules.compare(p, with: PagemapEntry(rawValue: Self.present | 1))) == [.file])
        let zero = page(.present, flags: [.leaf, .zeroPage], payload: 1, vma: vma)
        #expect(fields(rules.compare(zero, with: PagemapEntry(rawValue: Self.present | Self.file | 1))) == [.file])
        #expect(VMAFlags.noAnonVMA.description == "NO_ANON_VMA")
    }

    @Test func zeroPageHasNoFileBitAndTheHugeZeroPageEither() {
        let zero = page(.present, flags: [.leaf, .zeroPage], payload: 1)
        #expect(rules.compare(zero, with: PagemapEntry(rawValue: Self.present | 1)).isEmpty)
        #expect(fields(rules.compare(zero, with: PagemapEntry(rawValue: Self.present | Self.file | 1))) == [.file])
        // 6.1 and 6.12 set it for the huge zero page, 7.3 does not; kpageflags
        // (not KPF_ANON) does not decide it, and is not asked.
        let hugeZero = page(.present, flags: [.leaf, .zeroPage], payload: 1, placement: .level(.pmd))
        #expect(!rules.needsFrameFlags(hugeZero))
        for frameIsAnonymous in [nil, false] as [Bool?] {
            #expect(rules.compare(hugeZero, with: PagemapEntry(rawValue: Self.present | Self.file | 1),
                                  frameIsAnonymous: frameIsAnonymous).isEmpty)
            #expect(rules.compare(hugeZero, with: PagemapEntry(rawValue: Self.present | 1),
                                  frameIsAnonymous: frameIsAnonymous).isEmpty)
        }
    }

    @Test func vdsoPagesAreNotAnonymousButHeapPagesAre() {
        let vdso = page(.present, payload: 1, vma: VMA(start: 0, end: 0x2000, flags: [.read, .exec],
                                                       backing: .special, name: "[vdso]"))
        #expect(rules.compare(vdso, with: PagemapEntry(rawValue: Self.present | Self.file | 1)).isEmpty)
        let heap = page(.present, payload: 1, vma: VMA(start: 0, end: 0x2000, backing: .special, name: "[heap]"))
        #expect(rules.compare(heap, with: PagemapEntry(rawValue: Self.present | 1)).isEmpty)
    }

    // MARK: Rule 10, guard regions

    static let guardBit: UInt64 = 1 << 58
    /// A guard marker as pagemap shows it: swap-format, frame = type | 4 << 5.
    static let guardFrame: UInt64 = 31 | 4 << 5

    func guardMarker() -> PageExpectation.ModulePage {
        page(.marker, payload: 4, swapType: 31)
    }

    @Test func aGuardMarkerWithTheBitMatchesWherePagemapReportsGuards() {
        let rules = PageExpectation(pfnsVisible: true, guardRegionsInPagemap: true)
        let e = PagemapEntry(rawValue: Self.swapped | Self.guardBit | Self.guardFrame)
        #expect(rules.compare(guardMarker(), with: e).isEmpty)
    }

    @Test func aGuardMarkerWithoutTheBitIsAMismatchWherePagemapReportsGuards() {
        let rules = PageExpectation(pfnsVisible: true, guardRegionsInPagemap: true)
        let e = PagemapEntry(rawValue: Self.swapped | Self.guardFrame)
        #expect(fields(rules.compare(guardMarker(), with: e)) == [.guardRegion])
    }

    @Test func aGuardMarkerWithoutTheBitMatchesOnKernelsOlderThanTheBit() {
        // 6.13 and 6.14: guard regions, but pagemap predates PM_GUARD_REGION.
        let e = PagemapEntry(rawValue: Self.swapped | Self.guardFrame)
        #expect(PageExpectation(pfnsVisible: true, guardRegionsInPagemap: false).compare(guardMarker(), with: e).isEmpty)
        #expect(PageExpectation(pfnsVisible: true, guardRegionsInPagemap: nil).compare(guardMarker(), with: e).isEmpty)
    }

    @Test func theGuardBitOnAnythingButAGuardMarkerIsAMismatch() {
        for reports in [true, false, nil] as [Bool?] {
            let rules = PageExpectation(pfnsVisible: true, guardRegionsInPagemap: reports)
            let uffdMarker = page(.marker, payload: 1, swapType: 31)
            let e = PagemapEntry(rawValue: Self.swapped | Self.uffdWP | Self.guardBit | (31 | 1 << 5))
            #expect(fields(rules.compare(uffdMarker, with: e)) == [.guardRegion])
            let present = PagemapEntry(rawValue: Self.present | Self.guardBit | 0x1234)
            #expect(fields(rules.compare(page(.present, payload: 0x1234), with: present)) == [.guardRegion])
        }
    }

    /// verify's default: the running kernel is asked when a guard marker
    /// needs the answer (not when verify starts), and its answer is the
    /// probe's.
    @Test func theRunningKernelIsAskedWhenAGuardMarkerNeedsIt() {
        var rules = PageExpectation(pfnsVisible: true, guardRegionsInPagemap: false)
        rules.guardRegions = .runningKernel
        let e = PagemapEntry(rawValue: Self.swapped | Self.guardFrame)
        let reports = GuardRegionReporting.probe().pagemapReportsGuards
        #expect(fields(rules.compare(guardMarker(), with: e)) == (reports == true ? [.guardRegion] : []))
        var options = Verifier.Options(pid: 1)
        #expect(options.givenGuardRegions == nil)
        options.guardRegions = .notInPagemap
        #expect(options.givenGuardRegions == .notInPagemap && options.guardRegions == .notInPagemap)
    }

    @Test func aGuardMarkersFrameIsComparedAsAnyMarkers() {
        // Rules 2 and 4 still apply: type 31, offset = the marker bits (4).
        let rules = PageExpectation(pfnsVisible: true, guardRegionsInPagemap: true)
        let e = PagemapEntry(rawValue: Self.swapped | Self.guardBit | (31 | 2 << 5))
        #expect(fields(rules.compare(guardMarker(), with: e)) == [.swapOffset])
    }
}
