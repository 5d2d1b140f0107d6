import Testing
@testable import PgwalkKit
@testable import PgwalkSelftest

/// The assertions of the scenarios on what kernels after 6.1 added
/// (mthp-64k, shmem-thp, guard-region, droppable, mseal) and of madv-free's
/// paged-out pages, on synthesised module views. Each case says by hand
/// why it must pass or fail.
@Suite struct SelftestNewerKernelAssertionTests {
    static let base: UInt64 = 0x7f00_0001_0000 // 64 KiB aligned
    static let huge: UInt64 = 0x7f00_0020_0000 // 2 MiB aligned
    static let page = SyntheticWalk.page

    // MARK: mthp-64k

    /// Block 0 written, block 1 faulted by one write (the folio maps all 16
    /// pages), block 2 untouched.
    static let mthpOutput = """
        scenario mthp-64k
        pid 100
        region mthp 0x7f0000010000 0x7f0000040000 rw-p
        page mthp 0-15 written mthp
        page mthp 16 written mthp
        page mthp 17-31 mthp
        page mthp 32-47 untouched
        fact kpf_thp 1
        ready
        """

    func mthpWalk(secondFolio: UInt64 = 0x2010, flags: EntryFlags = SyntheticWalk.anonPTE) -> SyntheticWalk {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 48 * Self.page, [.read, .write, .hugePage])
        w.present(Self.base, count: 16, pfn: 0x2000, flags: flags)
        w.present(Self.base + 16 * Self.page, count: 16, pfn: secondFolio, flags: flags)
        w.none(Self.base + 32 * Self.page, count: 16)
        return w
    }

    @Test func naturallyAlignedFoliosOfSixteenPagesPass() throws {
        let e = try ScenarioEvidence.make(Self.mthpOutput, mthpWalk(), kpageflags: { _ in [.anon, .thp] })
        #expect(failure(of: "mthp-64k", e) == nil)
    }

    @Test func aFolioNotStartingAtAMultipleOfSixteenFails() throws {
        // 0x2018 is consecutive inside the block but not a 64 KiB folio's head.
        let e = try ScenarioEvidence.make(Self.mthpOutput, mthpWalk(secondFolio: 0x2018), kpageflags: { _ in [.thp] })
        let message = try #require(failure(of: "mthp-64k", e))
        #expect(message.contains("mthp page 16"))
        #expect(message.contains("multiple of 16"))
    }

    @Test func smallPagesInsteadOfALargeFolioFail() throws {
        // 4 KiB pages: consecutive PFNs happen, kpageflags THP does not.
        let e = try ScenarioEvidence.make(Self.mthpOutput, mthpWalk(), kpageflags: { _ in [.anon] })
        #expect(failure(of: "mthp-64k", e)?.contains("kpageflags THP") == true)
    }

    @Test func aFolioPageMappedCleanFails() throws {
        // The fault maps the whole folio dirty: a clean page is not its mapping.
        let clean = SyntheticWalk.anonPTE.subtracting(.dirty)
        let e = try ScenarioEvidence.make(Self.mthpOutput, mthpWalk(flags: clean), kpageflags: { _ in [.thp] })
        #expect(failure(of: "mthp-64k", e)?.contains("DIRTY") == true)
    }

    // MARK: shmem-thp

    static let shmemOutput = """
        scenario shmem-thp
        pid 100
        fact shmem_enabled advise
        region memfd 0x7f0000200000 0x7f0000400000 rw-s
        page memfd 0-511 written thp
        pfn memfd 0 0x4000
        fact omitted_shared_anon no 2 MiB folio (ShmemPmdMapped 0 kB)
        fact omitted_tmpfs mounting a tmpfs with huge=always needs root
        ready
        """

    func memfdWalk(backing: VMABacking = .file, leaf: Bool = true) -> SyntheticWalk {
        var w = SyntheticWalk()
        w.vma(Self.huge, Self.huge + (2 << 20), [.read, .write, .shared, .hugePage], backing: backing,
              name: "/memfd:pgwalk-scenario-shmem-thp (deleted)")
        let flags: EntryFlags = [.leaf, .write, .user, .accessed, .dirty, .noExec]
        if leaf { w.pmdLeaf(Self.huge, pfn: 0x4000, flags: flags) } else { w.present(Self.huge, count: 512, pfn: 0x4000, flags: flags) }
        return w
    }

    @Test func aShmemTHPMappedByOnePMDLeafPassesAndNamesTheOmittedRegions() throws {
        let e = try ScenarioEvidence.make(Self.shmemOutput, memfdWalk(), kpageflags: { _ in [.thp] },
                                          smapsKB: { _, _, key in key == "ShmemPmdMapped" ? 2048 : 0 })
        let spec = try #require(ScenarioCatalog.named("shmem-thp"))
        let note = try spec.check(e)
        #expect(note?.contains("PMD-mapped: memfd") == true)
        #expect(note?.contains("shared_anon") == true)
    }

    @Test func aShmemTHPSplitByTheWalkFails() throws {
        let e = try ScenarioEvidence.make(Self.shmemOutput, memfdWalk(), smapsKB: { _, _, _ in 0 })
        #expect(failure(of: "shmem-thp", e)?.contains("ShmemPmdMapped") == true)
    }

    @Test func aShmemTHPSeenAsPTEsFails() throws {
        let e = try ScenarioEvidence.make(Self.shmemOutput, memfdWalk(leaf: false), smapsKB: { _, _, _ in 2048 })
        #expect(failure(of: "shmem-thp", e)?.contains("exactly one pmd ENTRY") == true)
    }

    @Test func aMemfdReportedAsSharedAnonymousFails() throws {
        let e = try ScenarioEvidence.make(Self.shmemOutput, memfdWalk(backing: .sharedAnonymous), smapsKB: { _, _, _ in 2048 })
        #expect(failure(of: "shmem-thp", e)?.contains("backing") == true)
    }

    // MARK: guard-region

    static let guardOutput = """
        scenario guard-region
        pid 100
        region anon 0x7f0000010000 0x7f0000015000 rw-p
        page anon 0 written
        page anon 1 written guard
        page anon 2 untouched guard
        page anon 3 untouched guard-removed
        page anon 4 untouched
        fact pagemap_guard_bit yes
        fact shmem_guard unsupported
        ready
        """

    func guardWalk(markerPayload: UInt64 = 4) -> SyntheticWalk {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 5 * Self.page, [.read, .write, .noHugePage])
        let marker = EntryInfo(kind: .marker, flags: [.leaf], swapType: 31, payload: markerPayload)
        w.ptes(Self.base, [EntryInfo(kind: .present, flags: SyntheticWalk.anonPTE, payload: 0x30), marker, marker])
        w.none(Self.base + 3 * Self.page, count: 2)
        return w
    }

    /// Pagemap as 7.x shows a guard marker: swapped, bit 58, type 31 | 4 << 5.
    static let guardPagemap = PagemapEntry(rawValue: 1 << 62 | 1 << 58 | 0x9f)

    @Test func guardMarkersWithPagemapsBitPass() throws {
        let e = try ScenarioEvidence.make(Self.guardOutput, guardWalk(), pagemap: { _, _ in Self.guardPagemap })
        #expect(failure(of: "guard-region", e) == nil)
    }

    @Test func aUffdWPMarkerWhereAGuardShouldBeFails() throws {
        let e = try ScenarioEvidence.make(Self.guardOutput, guardWalk(markerPayload: 1), pagemap: { _, _ in Self.guardPagemap })
        #expect(failure(of: "guard-region", e)?.contains("anon page 1") == true)
    }

    @Test func aGuardWithoutTheBitThePagemapShowedFails() throws {
        // The scenario saw bit 58 at set-up; now pagemap lacks it.
        let plain = PagemapEntry(rawValue: 1 << 62 | 0x9f)
        let e = try ScenarioEvidence.make(Self.guardOutput, guardWalk(), pagemap: { _, _ in plain })
        #expect(failure(of: "guard-region", e)?.contains("bit 58") == true)
    }

    @Test func aRemovedGuardStillPresentFails() throws {
        var w = guardWalk()
        w.records.removeLast()
        w.ptes(Self.base + 3 * Self.page, [EntryInfo(kind: .marker, flags: [.leaf], swapType: 31, payload: 4)])
        w.none(Self.base + 4 * Self.page, count: 1)
        let e = try ScenarioEvidence.make(Self.guardOutput, w, pagemap: { _, _ in Self.guardPagemap })
        #expect(failure(of: "guard-region", e)?.contains("anon page 3") == true)
    }

    // MARK: droppable

    static let droppableOutput = """
        scenario droppable
        pid 100
        region drop 0x7f0000010000 0x7f0000014000 rw-p
        page drop 0-1 written
        page drop 2-3 untouched
        ready
        """

    func droppableWalk(_ flags: VMAFlags) -> SyntheticWalk {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 4 * Self.page, flags)
        w.present(Self.base, count: 2, pfn: 0x50)
        w.none(Self.base + 2 * Self.page, count: 2)
        return w
    }

    @Test func aDroppableVMAWithUnbackedFramesPasses() throws {
        let e = try ScenarioEvidence.make(Self.droppableOutput, droppableWalk([.read, .write, .droppable, .dontDump]),
                                          kpageflags: { _ in [.anon, .mmap] })
        #expect(failure(of: "droppable", e) == nil)
    }

    @Test func aDroppableVMAWithoutTheFlagFails() throws {
        let e = try ScenarioEvidence.make(Self.droppableOutput, droppableWalk([.read, .write]))
        #expect(failure(of: "droppable", e)?.contains("DROPPABLE") == true)
    }

    @Test func aSwapBackedFrameInADroppableVMAFails() throws {
        let e = try ScenarioEvidence.make(Self.droppableOutput, droppableWalk([.read, .write, .droppable]),
                                          kpageflags: { _ in [.anon, .swapBacked] })
        #expect(failure(of: "droppable", e)?.contains("SWAPBACKED") == true)
    }

    // MARK: mseal

    static let msealOutput = """
        scenario mseal
        pid 100
        region sealed 0x7f0000010000 0x7f0000012000 rw-p
        page sealed 0 written
        page sealed 1 untouched
        region open 0x7f0000020000 0x7f0000022000 rw-p
        page open 0 written
        page open 1 untouched
        ready
        """

    func msealWalk(sealed: VMAFlags, open: VMAFlags) -> SyntheticWalk {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 2 * Self.page, sealed)
        w.present(Self.base, count: 1, pfn: 0x60)
        w.none(Self.base + Self.page, count: 1)
        w.vma(Self.base + 0x10000, Self.base + 0x12000, open)
        w.present(Self.base + 0x10000, count: 1, pfn: 0x61)
        w.none(Self.base + 0x11000, count: 1)
        return w
    }

    @Test func sealedAndOpenVMAsTellApart() throws {
        let ok = try ScenarioEvidence.make(Self.msealOutput, msealWalk(sealed: [.read, .write, .sealed], open: [.read, .write]))
        #expect(failure(of: "mseal", ok) == nil)
        let unsealed = try ScenarioEvidence.make(Self.msealOutput, msealWalk(sealed: [.read, .write], open: [.read, .write]))
        #expect(failure(of: "mseal", unsealed)?.contains("'sealed'") == true)
        let both = try ScenarioEvidence.make(Self.msealOutput, msealWalk(sealed: [.read, .write, .sealed], open: [.read, .write, .sealed]))
        #expect(failure(of: "mseal", both)?.contains("'open'") == true)
    }

    // MARK: madv-free

    static let freeOutput = """
        scenario madv-free
        pid 100
        region free 0x7f0000010000 0x7f0000015000 rw-p
        page free 0 written
        page free 1 written lazyfree
        page free 2 written lazyfree rewritten
        page free 3 written lazyfree pageout discarded
        page free 4 written lazyfree pageout kept
        pfn free 1 0x71
        ready
        """

    func freeWalk(lazyPFN: UInt64 = 0x71, discarded: Bool = true) -> SyntheticWalk {
        var w = SyntheticWalk()
        let clean = SyntheticWalk.anonPTE.subtracting([.dirty, .accessed])
        w.vma(Self.base, Self.base + 5 * Self.page, [.read, .write, .noHugePage])
        w.ptes(Self.base, [EntryInfo(kind: .present, flags: SyntheticWalk.anonPTE, payload: 0x70),
                           EntryInfo(kind: .present, flags: clean, payload: lazyPFN),
                           EntryInfo(kind: .present, flags: SyntheticWalk.anonPTE, payload: 0x72)])
        if discarded {
            w.none(Self.base + 3 * Self.page, count: 1)
        } else {
            w.ptes(Self.base + 3 * Self.page, [EntryInfo(kind: .present, flags: clean, payload: 0x73)])
        }
        w.ptes(Self.base + 4 * Self.page, [EntryInfo(kind: .present, flags: clean, payload: 0x74)])
        return w
    }

    @Test func lazyFreePagesCleanAndDiscardedPagesGonePass() throws {
        let spec = try #require(ScenarioCatalog.named("madv-free"))
        let note = try spec.check(try .make(Self.freeOutput, freeWalk()))
        #expect(note == "lazily freed pages: 1 still present (clean), 0 reclaimed; paged out: 1 discarded, 1 kept")
    }

    @Test func aDiscardedPageStillMappedFails() throws {
        #expect(failure(of: "madv-free", try .make(Self.freeOutput, freeWalk(discarded: false)))?.contains("free page 3") == true)
    }

    @Test func aLazyFreePageWithAnotherFrameFails() throws {
        // Lazily freed pages keep their frame until reclaim takes it.
        #expect(failure(of: "madv-free", try .make(Self.freeOutput, freeWalk(lazyPFN: 0x99)))?.contains("0x71") == true)
    }
}
