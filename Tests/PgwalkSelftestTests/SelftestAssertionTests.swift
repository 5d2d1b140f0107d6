import Testing
@testable import PgwalkKit
@testable import PgwalkSelftest

/// The per-scenario assertions on synthesised module views. Each case says
/// by hand why it must pass or fail.
@Suite struct SelftestAssertionTests {
    static let base: UInt64 = 0x7f00_0000_0000
    static let huge: UInt64 = 0x7f00_0020_0000 // 2 MiB aligned
    static let page = SyntheticWalk.page

    // MARK: thp-pmd

    static let thpOutput = """
        scenario thp-pmd
        pid 100
        region thp 0x7f0000200000 0x7f0000400000 rw-p
        page thp 0-511 written thp
        fact thp_anon_huge_kb 2048
        fact thp_pfn 0x3000
        ready
        """

    func thpWalk(asPTEs: Bool) -> SyntheticWalk {
        var w = SyntheticWalk()
        w.vma(Self.huge, Self.huge + (2 << 20), [.read, .write, .hugePage])
        if asPTEs {
            w.present(Self.huge, count: 512, pfn: 0x3000)
        } else {
            w.pmdLeaf(Self.huge, pfn: 0x3000)
        }
        return w
    }

    @Test func aTHPMappedByOnePMDLeafPasses() throws {
        let e = try ScenarioEvidence.make(Self.thpOutput, thpWalk(asPTEs: false), smapsKB: { _, _, _ in 2048 })
        #expect(failure(of: "thp-pmd", e) == nil)
    }

    @Test func aTHPReportedAsPTEsFails() throws {
        // 512 PTEs with the right PFNs would satisfy verify, but not "THP is a PMD leaf".
        let e = try ScenarioEvidence.make(Self.thpOutput, thpWalk(asPTEs: true), smapsKB: { _, _, _ in 2048 })
        let message = try #require(failure(of: "thp-pmd", e))
        #expect(message.contains("exactly one pmd ENTRY"))
        #expect(message.contains("PTE_RUN"))
    }

    @Test func aTHPSplitByTheWalkFails() throws {
        let e = try ScenarioEvidence.make(Self.thpOutput, thpWalk(asPTEs: false), smapsKB: { _, _, _ in 0 })
        #expect(failure(of: "thp-pmd", e)?.contains("AnonHugePages") == true)
    }

    @Test func aTHPLeafWithAnotherPFNThanTheScenarioSawFails() throws {
        var w = SyntheticWalk()
        w.vma(Self.huge, Self.huge + (2 << 20))
        w.pmdLeaf(Self.huge, pfn: 0x5000)
        let e = try ScenarioEvidence.make(Self.thpOutput, w, smapsKB: { _, _, _ in 2048 })
        #expect(failure(of: "thp-pmd", e)?.contains("thp_pfn 0x3000") == true)
    }

    // MARK: anon-4k

    static let anonOutput = """
        scenario anon-4k
        pid 100
        region anon 0x7f0000000000 0x7f0000004000 rw-p
        page anon 0-1 written
        page anon 2-3 untouched
        ready
        """

    @Test func anon4KWrittenPresentUntouchedNonePasses() throws {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 4 * Self.page, [.read, .write, .noHugePage])
        w.present(Self.base, count: 2, pfn: 0x100)
        w.none(Self.base + 2 * Self.page, count: 2)
        #expect(failure(of: "anon-4k", try .make(Self.anonOutput, w)) == nil)
    }

    @Test func anon4KWrittenPageWithoutDirtyFailsNamingThePage() throws {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 4 * Self.page, [.read, .write, .noHugePage])
        w.present(Self.base, count: 1, pfn: 0x100)
        w.present(Self.base + Self.page, count: 1, pfn: 0x101, flags: [.leaf, .write, .user])
        w.none(Self.base + 2 * Self.page, count: 2)
        let message = try #require(failure(of: "anon-4k", try .make(Self.anonOutput, w)))
        #expect(message.contains("anon page 1 (0x7f0000001000)"))
        #expect(message.contains("DIRTY"))
    }

    @Test func anon4KWithoutNoHugePageOnTheVMAFails() throws {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 4 * Self.page)
        w.present(Self.base, count: 2, pfn: 0x100)
        w.none(Self.base + 2 * Self.page, count: 2)
        #expect(failure(of: "anon-4k", try .make(Self.anonOutput, w))?.contains("NOHUGEPAGE") == true)
    }

    // MARK: hugetlb

    static let hugetlbOutput = """
        scenario hugetlb-2m
        pid 100
        region huge 0x7f0000200000 0x7f0000600000 rw-p
        page huge 0-511 written hugetlb
        page huge 512-1023 untouched hugetlb
        ready
        """

    func hugetlbWalk(size: UInt64) -> SyntheticWalk {
        var w = SyntheticWalk()
        w.vma(Self.huge, Self.huge + (4 << 20), [.read, .write, .hugetlb], backing: .file, name: "/anon_hugepage (deleted)")
        var at = Self.huge
        var first = true
        while at < Self.huge + (4 << 20) {
            let info = first ? EntryInfo(kind: .present, flags: [.leaf, .write, .dirty], payload: 0x4000) : EntryInfo.none
            w.hugetlb(at, size: size, info: info)
            at += size
            first = false
        }
        return w
    }

    @Test func hugetlb2MPassesWithPagemapsPFN() throws {
        let e = try ScenarioEvidence.make(Self.hugetlbOutput, hugetlbWalk(size: 2 << 20),
                                          pagemap: { _, _ in PagemapEntry(rawValue: 1 << 63 | 0x4000) })
        #expect(failure(of: "hugetlb-2m", e) == nil)
    }

    @Test func hugetlbOfTheWrongSizeFails() throws {
        // Four 1 MiB "huge pages" (hmask ~(1M-1)): right kind of record, wrong size.
        let e = try ScenarioEvidence.make(Self.hugetlbOutput, hugetlbWalk(size: 1 << 20),
                                          pagemap: { _, _ in PagemapEntry(rawValue: 1 << 63 | 0x4000) })
        #expect(failure(of: "hugetlb-2m", e)?.contains("exactly two HUGETLB") == true)
    }

    @Test func hugetlbWithAnotherPFNThanPagemapFails() throws {
        let e = try ScenarioEvidence.make(Self.hugetlbOutput, hugetlbWalk(size: 2 << 20),
                                          pagemap: { _, _ in PagemapEntry(rawValue: 1 << 63 | 0x8000) })
        #expect(failure(of: "hugetlb-2m", e)?.contains("pagemap's PFN 0x8000") == true)
    }

    // MARK: swap

    static let swapOutput = """
        scenario swap-4k
        pid 100
        region swap 0x7f0000000000 0x7f0000003000 rw-p
        page swap 0-1 written swapped
        page swap 2 written
        fact swapped 2
        ready
        """

    func swapWalk(offsets: [UInt64]) -> SyntheticWalk {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 3 * Self.page)
        w.ptes(Self.base, offsets.map { EntryInfo(kind: .swap, flags: [.leaf, .softDirty, .exclusive], payload: $0) }
               + [EntryInfo(kind: .present, flags: SyntheticWalk.anonPTE, payload: 0x900)])
        return w
    }

    /// pagemap's swap entries: type 0, offsets 0x40 and 0x41 (frame = offset << 5).
    static let swapPagemap: @Sendable (Int32, UInt64) -> PagemapEntry? = { _, address in
        let index = (address - base) / page
        return index < 2 ? PagemapEntry(rawValue: 1 << 62 | (0x40 + index) << 5) : PagemapEntry(rawValue: 1 << 63 | 0x900)
    }

    @Test func swapEntriesEqualToPagemapsPass() throws {
        let e = try ScenarioEvidence.make(Self.swapOutput, swapWalk(offsets: [0x40, 0x41]), pagemap: Self.swapPagemap)
        #expect(failure(of: "swap-4k", e) == nil)
    }

    @Test func aSwapOffsetOtherThanPagemapsFails() throws {
        let e = try ScenarioEvidence.make(Self.swapOutput, swapWalk(offsets: [0x40, 0x42]), pagemap: Self.swapPagemap)
        let message = try #require(failure(of: "swap-4k", e))
        #expect(message.contains("swap page 1"))
        #expect(message.contains("offset 0x41 (pagemap's)"))
    }

    // MARK: two processes

    static let ksmOutput = """
        scenario ksm
        pid 100
        pid2 101
        region ksm 0x7f0000000000 0x7f0000002000 rw-p
        page ksm 0-1 written ksm
        ready
        """

    func ksmWalk(pfns: [UInt64]) -> SyntheticWalk {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 2 * Self.page, [.read, .write, .mergeable])
        w.ptes(Self.base, pfns.map { EntryInfo(kind: .present, flags: [.leaf, .user, .accessed], payload: $0) })
        return w
    }

    @Test func ksmPagesSharingAPFNPass() throws {
        let e = try ScenarioEvidence.make(Self.ksmOutput, ksmWalk(pfns: [0x10, 0x11]), ksmWalk(pfns: [0x10, 0x11]),
                                          kpageflags: { _ in [.ksm, .anon] })
        #expect(failure(of: "ksm", e) == nil)
    }

    @Test func ksmPagesNotMergedFail() throws {
        let e = try ScenarioEvidence.make(Self.ksmOutput, ksmWalk(pfns: [0x10, 0x11]), ksmWalk(pfns: [0x10, 0x21]),
                                          kpageflags: { _ in [.ksm, .anon] })
        #expect(failure(of: "ksm", e)?.contains("0x11 in pid, 0x21 in pid2") == true)
    }

    static let forkOutput = """
        scenario fork-cow
        pid 100
        pid2 101
        region before 0x7f0000000000 0x7f0000001000 rw-p
        region after 0x7f0000010000 0x7f0000012000 rw-p
        page before 0 written cow-shared
        page after 0 written cow-broken
        page after 1 written cow-shared
        ready
        """

    func forkWalk(parent: Bool, brokenSharesPFN: Bool = false) -> SyntheticWalk {
        var w = SyntheticWalk()
        let ro: EntryFlags = [.leaf, .user, .accessed, .dirty]
        w.vma(Self.base, Self.base + Self.page)
        w.ptes(Self.base, [EntryInfo(kind: .present, flags: ro, payload: 0x10)])
        w.vma(Self.base + 0x10000, Self.base + 0x12000)
        let broken = parent && !brokenSharesPFN
            ? EntryInfo(kind: .present, flags: SyntheticWalk.anonPTE, payload: 0x99)
            : EntryInfo(kind: .present, flags: parent ? SyntheticWalk.anonPTE : ro, payload: 0x20)
        w.ptes(Self.base + 0x10000, [broken, EntryInfo(kind: .present, flags: ro, payload: 0x21)])
        return w
    }

    @Test func forkCOWBeforeAndAfterTheWritePasses() throws {
        let e = try ScenarioEvidence.make(Self.forkOutput, forkWalk(parent: true), forkWalk(parent: false))
        #expect(failure(of: "fork-cow", e) == nil)
    }

    @Test func forkCOWBrokenPageStillSharedFails() throws {
        let e = try ScenarioEvidence.make(Self.forkOutput, forkWalk(parent: true, brokenSharesPFN: true), forkWalk(parent: false))
        #expect(failure(of: "fork-cow", e)?.contains("different PFNs") == true)
    }

    // MARK: prot-none, soft-dirty, uffd-wp

    static let protNoneOutput = """
        scenario prot-none
        pid 100
        region pn 0x7f0000000000 0x7f0000002000 ---p
        region none 0x7f0000000000 0x7f0000002000 ---p
        page pn 0 written protnone
        page pn 1 untouched protnone
        ready
        """

    @Test func protNonePresentWithoutUserPasses() throws {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 2 * Self.page, [])
        w.ptes(Self.base, [EntryInfo(kind: .present, flags: [.leaf, .accessed, .dirty, .global, .protNone, .softDirty], payload: 0x77)])
        w.none(Self.base + Self.page, count: 1)
        let e = try ScenarioEvidence.make(Self.protNoneOutput, w, pagemap: { _, _ in PagemapEntry(rawValue: 1 << 63 | 0x77) })
        #expect(failure(of: "prot-none", e) == nil)
    }

    @Test func protNonePageStillUserAccessibleFails() throws {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 2 * Self.page, [])
        w.ptes(Self.base, [EntryInfo(kind: .present, flags: [.leaf, .user, .protNone], payload: 0x77)])
        w.none(Self.base + Self.page, count: 1)
        let e = try ScenarioEvidence.make(Self.protNoneOutput, w, pagemap: { _, _ in PagemapEntry(rawValue: 1 << 63 | 0x77) })
        #expect(failure(of: "prot-none", e)?.contains("without WRITE|USER") == true)
    }

    static let softDirtyOutput = """
        scenario soft-dirty
        pid 100
        region sd 0x7f0000000000 0x7f0000002000 rw-p
        page sd 0 written not-soft-dirty
        page sd 1 written soft-dirty
        ready
        """

    @Test func softDirtyExactlyOnTheRewrittenPagePasses() throws {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 2 * Self.page)
        w.ptes(Self.base, [EntryInfo(kind: .present, flags: [.leaf, .user, .dirty], payload: 1),
                           EntryInfo(kind: .present, flags: [.leaf, .user, .dirty, .write, .softDirty], payload: 2)])
        #expect(failure(of: "soft-dirty", try .make(Self.softDirtyOutput, w)) == nil)
    }

    @Test func softDirtyOnAPageNotWrittenSinceClearRefsFails() throws {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 2 * Self.page)
        w.present(Self.base, count: 2, pfn: 1) // both SOFT_DIRTY
        #expect(failure(of: "soft-dirty", try .make(Self.softDirtyOutput, w))?.contains("sd page 0") == true)
    }

    static let uffdOutput = """
        scenario uffd-wp
        pid 100
        region anon 0x7f0000000000 0x7f0000003000 rw-p
        page anon 0 written uffd-wp
        page anon 1 written
        page anon 2 untouched wp-requested
        region shmem 0x7f0000010000 0x7f0000012000 rw-s
        page shmem 0 written uffd-wp
        page shmem 1 marker uffd-wp
        ready
        """

    func uffdWalk(markerPayload: UInt64) -> SyntheticWalk {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 3 * Self.page, [.read, .write, .uffdWP])
        w.ptes(Self.base, [EntryInfo(kind: .present, flags: [.leaf, .user, .uffdWP], payload: 1),
                           EntryInfo(kind: .present, flags: [.leaf, .user, .write], payload: 2)])
        w.none(Self.base + 2 * Self.page, count: 1)
        w.vma(Self.base + 0x10000, Self.base + 0x12000, [.read, .write, .shared, .uffdWP], backing: .file, name: "/memfd:x (deleted)")
        w.ptes(Self.base + 0x10000, [EntryInfo(kind: .present, flags: [.leaf, .user, .uffdWP], payload: 3),
                                     EntryInfo(kind: .marker, flags: [.leaf], swapType: 30, payload: markerPayload)])
        return w
    }

    @Test func uffdWPBitsAndMarkersPass() throws {
        #expect(failure(of: "uffd-wp", try .make(Self.uffdOutput, uffdWalk(markerPayload: 1))) == nil)
    }

    @Test func aMarkerWithoutTheUffdWPBitFails() throws {
        // Payload 4 is a guard marker, not uffd-wp.
        let message = failure(of: "uffd-wp", try .make(Self.uffdOutput, uffdWalk(markerPayload: 4)))
        #expect(message?.contains("shmem page 1") == true)
    }

    // MARK: mremap-move, pfnmap

    static let mremapOutput = """
        scenario mremap-move
        pid 100
        region moved 0x7f0000010000 0x7f0000011000 rw-p
        region old 0x7f0000000000 0x7f0000001000 ----
        page moved 0 written moved
        page old 0 unmapped
        pfn moved 0 0x55
        ready
        """

    @Test func mremapMovedPFNAndNoVMAAtTheOldPlacePass() throws {
        var w = SyntheticWalk()
        w.hole(Self.base, Self.base + 0x10000, depth: -1)
        w.vma(Self.base + 0x10000, Self.base + 0x11000)
        w.present(Self.base + 0x10000, count: 1, pfn: 0x55)
        #expect(failure(of: "mremap-move", try .make(Self.mremapOutput, w)) == nil)
    }

    @Test func mremapWithAVMALeftAtTheOldPlaceFails() throws {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + 0x1000)
        w.none(Self.base, count: 1)
        w.vma(Self.base + 0x10000, Self.base + 0x11000)
        w.present(Self.base + 0x10000, count: 1, pfn: 0x55)
        #expect(failure(of: "mremap-move", try .make(Self.mremapOutput, w))?.contains("expected no VMA record") == true)
    }

    static let pfnmapOutput = "scenario pfnmap\npid 100\nregion pfnmap 0x7f0000000000 0x7f0000001000 rw-s\nready\n"

    @Test func aWalkedPFNMapVMAFails() throws {
        var skipped = SyntheticWalk()
        skipped.vma(Self.base, Self.base + Self.page, [.read, .write, .shared, .pfnMap, .io, .notWalked])
        #expect(failure(of: "pfnmap", try .make(Self.pfnmapOutput, skipped)) == nil)
        var walked = SyntheticWalk()
        walked.vma(Self.base, Self.base + Self.page, [.read, .write, .shared, .pfnMap, .io])
        walked.present(Self.base, count: 1, pfn: 0xfebf0)
        #expect(failure(of: "pfnmap", try .make(Self.pfnmapOutput, walked))?.contains("NOT_WALKED") == true)
    }

    // MARK: sparse

    static let sparseOutput = """
        scenario sparse
        pid 100
        region sparse 0x7f0000000000 0x7f1000000000 rw-p
        page sparse 0 written
        fact touched_pages 1
        ready
        """

    @Test func sparseWalkCostFollowsTheTouchedPages() throws {
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + (64 << 30))
        w.present(Self.base, count: 1, pfn: 7)
        w.none(Self.base + Self.page, count: 511)
        w.hole(Self.base + (2 << 20), Self.base + (1 << 30), depth: 3)
        w.hole(Self.base + (1 << 30), Self.base + (64 << 30), depth: 2)
        var e = try ScenarioEvidence.make(Self.sparseOutput, w)
        e.regionWalk = try w.view(seconds: 0.01)
        #expect(failure(of: "sparse", e) == nil)
        // The same walk taking 3 s breaks the time bound.
        e.regionWalk = try w.view(seconds: 3)
        #expect(failure(of: "sparse", e)?.contains("limit 1000 ms") == true)
    }

    @Test func sparseWalkCostFollowingTheReservationFails() throws {
        // One NONE_RUN per PTE table across 1 GiB: 512 records for one touched page.
        var w = SyntheticWalk()
        w.vma(Self.base, Self.base + (64 << 30))
        w.present(Self.base, count: 1, pfn: 7)
        w.none(Self.base + Self.page, count: 511)
        for t in 1..<512 { w.none(Self.base + UInt64(t) * (2 << 20), count: 512) }
        var e = try ScenarioEvidence.make(Self.sparseOutput, w)
        e.regionWalk = try w.view(seconds: 0.01)
        #expect(failure(of: "sparse", e)?.contains("per touched page") == true)
    }
}
