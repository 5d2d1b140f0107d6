import Testing
@testable import PgwalkKit

/// The VMAs of a walk against /proc/PID/maps, and which differences a
/// further look keeps: only those found again where the maps read around
/// that look's walk did not change.
@Suite struct VMAComparisonTests {
    /// Mappings from lines of /proc/PID/maps, by their bounds in hex.
    private func maps(_ bounds: [(UInt64, UInt64)]) throws -> [MemoryMapping] {
        let text = bounds.map { String($0.0, radix: 16) + "-" + String($0.1, radix: 16) + " rw-p 00000000 00:00 0\n" }
        return try ProcessMaps.parse(Array(text.joined().utf8))
    }

    private func walked(_ bounds: [(UInt64, UInt64)]) -> [VerifyReport.VMASummary] {
        bounds.map { VerifyReport.VMASummary(vma: VMA(start: $0.0, end: $0.1)) }
    }

    private func difference(_ side: VMADifference.Side, _ start: UInt64, _ end: UInt64) -> VMADifference {
        VMADifference(side: side, start: start, end: end, name: "")
    }

    @Test func aSplitVMAIsTwoDifferencesEachWay() throws {
        // The walk saw one VMA where maps lists it split in two.
        let found = VMAComparison.differences(walked: walked([(0x1000, 0x3000), (0x8000, 0x9000)]),
                                              maps: try maps([(0x1000, 0x2000), (0x2000, 0x3000), (0x8000, 0x9000)]),
                                              start: 0, end: .max)
        #expect(found == [difference(.mapsOnly, 0x1000, 0x2000), difference(.mapsOnly, 0x2000, 0x3000),
                          difference(.walkOnly, 0x1000, 0x3000)])
        #expect(found.map(\.description) == [
            "maps has 0x0000000000001000-0x0000000000002000; the walk does not",
            "maps has 0x0000000000002000-0x0000000000003000; the walk does not",
            "the walk has 0x0000000000001000-0x0000000000003000; maps does not",
        ])
    }

    @Test func onlyTheRangeVerifiedIsCompared() throws {
        let found = VMAComparison.differences(walked: walked([(0x8000, 0x9000)]),
                                              maps: try maps([(0x1000, 0x2000), (0x8000, 0x9000), (0xa000, 0xb000)]),
                                              start: 0x4000, end: 0xa000)
        #expect(found.isEmpty)
    }

    @Test func stillLooksOnlyAtTheRangeAsked() throws {
        let changed = VMAComparison.changedRanges(try maps([(0x1000, 0x2000), (0x8000, 0x9000)]),
                                                  try maps([(0x1000, 0x3000), (0x8000, 0x9000)]))
        #expect(!VMAComparison.isStill(0x1000..<0x2000, changed: changed))
        #expect(!VMAComparison.isStill(0x2000..<0x3000, changed: changed))
        #expect(VMAComparison.isStill(0x8000..<0x9000, changed: changed))
        #expect(VMAComparison.isStill(0x4000..<0x8000, changed: changed))
    }

    /// A region moved (mremap) and another split (mprotect) between two
    /// reads: the ranges of both, old and new; what stayed is not listed.
    @Test func changedRangesAreWhatWasMappedUnmappedMovedOrSplit() throws {
        let before = try maps([(0x1000, 0x2000), (0x4000, 0x6000), (0x8000, 0x9000)])
        let after = try maps([(0x1000, 0x2000), (0x4000, 0x5000), (0x5000, 0x6000), (0xa000, 0xb000)])
        #expect(VMAComparison.changedRanges(before, after)
                == [0x4000..<0x5000, 0x4000..<0x6000, 0x5000..<0x6000, 0x8000..<0x9000, 0xa000..<0xb000])
        #expect(VMAComparison.changedRanges(before, before).isEmpty)
    }

    /// A target that maps and unmaps: each look's differences are
    /// elsewhere, so none is persistent and all of the first are transient.
    @Test func differencesThatMoveAreTransient() throws {
        let steady = try maps([(0x1000, 0x2000)])
        var recheck = VMADifferenceRecheck(first: [difference(.mapsOnly, 0x4000, 0x5000),
                                                   difference(.walkOnly, 0x6000, 0x7000)])
        recheck.lookAgain([difference(.mapsOnly, 0x9000, 0xa000)], mapsBefore: steady, mapsAfter: steady)
        #expect(recheck.isSettled)
        #expect(recheck.persistentDifferences.isEmpty)
        #expect(recheck.transientCount == 2)
    }

    /// Found again, but where maps changed during the look's walk: the
    /// look cannot tell a difference from a change, so it is not counted.
    @Test func aDifferenceWhereMapsChangedDuringTheLookIsTransient() throws {
        var recheck = VMADifferenceRecheck(first: [difference(.mapsOnly, 0x4000, 0x5000)])
        recheck.lookAgain([difference(.mapsOnly, 0x4000, 0x5000)],
                          mapsBefore: try maps([(0x1000, 0x2000)]),
                          mapsAfter: try maps([(0x1000, 0x2000), (0x4000, 0x5000)]))
        #expect(recheck.persistentDifferences.isEmpty)
        #expect(recheck.transientCount == 1)
    }

    /// A VMA the walk never has, in every look, with maps unchanged around
    /// each: persistent, while the one that went away is transient.
    @Test func aDifferenceFoundByEveryLookInStillMapsIsPersistent() throws {
        let still = try maps([(0x1000, 0x2000), (0x4000, 0x5000)])
        var recheck = VMADifferenceRecheck(first: [difference(.walkOnly, 0x6000, 0x7000),
                                                   VMADifference(side: .mapsOnly, start: 0x4000, end: 0x5000,
                                                                 name: "[x]")])
        for _ in 0..<2 {
            recheck.lookAgain([difference(.mapsOnly, 0x4000, 0x5000)], mapsBefore: still, mapsAfter: still)
        }
        #expect(!recheck.isSettled)
        #expect(recheck.persistentDifferences.map(\.description)
                == ["maps has 0x0000000000004000-0x0000000000005000 [x]; the walk does not"])
        #expect(recheck.transientCount == 1)
    }

    /// Found by the first two looks but not the third: transient.
    @Test func aDifferenceMissingFromOneLookIsTransient() throws {
        let still = try maps([(0x4000, 0x5000)])
        var recheck = VMADifferenceRecheck(first: [difference(.mapsOnly, 0x4000, 0x5000)])
        recheck.lookAgain([difference(.mapsOnly, 0x4000, 0x5000)], mapsBefore: still, mapsAfter: still)
        recheck.lookAgain([], mapsBefore: still, mapsAfter: still)
        #expect(recheck.persistentDifferences.isEmpty)
        #expect(recheck.transientCount == 1)
    }
}
