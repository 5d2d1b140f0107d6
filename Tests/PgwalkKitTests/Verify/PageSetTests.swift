import Testing
@testable import PgwalkKit

/// `PageSet`, the mismatched pages verify re-checks: every one kept, in
/// address order, whatever their number.
@Suite struct PageSetTests {
    static let page: UInt64 = 0x1000
    static let slot: UInt64 = 2 << 20

    func set(_ addresses: [UInt64]) -> PageSet {
        var s = PageSet(pageShift: 12)
        for a in addresses { s.insert(a) }
        return s
    }

    @Test func keepsEveryPagePastAnyLimit() {
        // Two collapsed THPs: 1,024 pages, past verify's default --limit.
        let base: UInt64 = 0x7fee_c580_0000
        let s = set((0..<1024).map { base + UInt64($0) * Self.page })
        #expect(s.count == 1024)
        #expect(s.contains(base) && s.contains(base + 1023 * Self.page))
        #expect(!s.contains(base - Self.page) && !s.contains(base + 1024 * Self.page))
        #expect(s.ranges(limit: 64) == [base..<(base + 1024 * Self.page)])
    }

    /// Removing a range takes out exactly its pages, across words and
    /// blocks, partial pages included; a block left empty goes.
    @Test func removesTheRangesPagesOnly() {
        let base = 4 * Self.slot
        var s = set((0..<600).map { base + UInt64($0) * Self.page } + [0x1000, 9 * Self.slot])
        s.remove(in: (base + 60 * Self.page + 0x800)..<(base + 520 * Self.page))
        #expect(s.count == 600 + 2 - 460)
        #expect(s.contains(base + 59 * Self.page) && !s.contains(base + 60 * Self.page))
        #expect(!s.contains(base + 519 * Self.page) && s.contains(base + 520 * Self.page))
        s.remove(in: (8 * Self.slot)..<(10 * Self.slot))
        s.remove(in: 0x0..<0x1000)
        #expect(s == set([0x1000] + (0..<60).map { base + UInt64($0) * Self.page }
                         + (520..<600).map { base + UInt64($0) * Self.page }))
        s.remove(in: 0..<(64 * Self.slot))
        #expect(s.isEmpty && s == set([]))
    }

    @Test func anAddressInsideAPageIsThatPage() {
        let s = set([0x5123])
        #expect(s.contains(0x5000) && s.contains(0x5fff))
        #expect(s.count == 1)
    }

    @Test func insertsOutOfOrderAndOnce() {
        let s = set([3 * Self.slot, Self.slot + 0x2000, 0x1000, Self.slot + 0x2000, 3 * Self.slot])
        #expect(s.count == 3)
        #expect(s == set([0x1000, Self.slot + 0x2000, 3 * Self.slot]))
        #expect(s.ranges(limit: 10) == [0x1000..<0x2000, (Self.slot + 0x2000)..<(Self.slot + 0x3000),
                                        (3 * Self.slot)..<(3 * Self.slot + 0x1000)])
    }

    @Test func runsJoinAcrossWordsAndSlots() {
        // Pages 62-65 cross a 64-page word; the last page of a slot and
        // the first of the next cross a block.
        let s = set([62, 63, 64, 65].map { $0 * Self.page } + [Self.slot - Self.page, Self.slot])
        #expect(s.ranges(limit: 10) == [(62 * Self.page)..<(66 * Self.page),
                                        (Self.slot - Self.page)..<(Self.slot + Self.page)])
    }

    @Test func aWholeWordIsOneRun() {
        let s = set((0..<64).map { UInt64($0) * Self.page })
        #expect(s.ranges(limit: 1) == [0..<(64 * Self.page)])
    }

    @Test func pastTheLimitNeighbouringRunsAreJoined() {
        // Five single pages, every other one: at most two ranges, covering all.
        let s = set([0, 2, 4, 6, 8].map { UInt64($0) * Self.page })
        #expect(s.ranges(limit: 5).count == 5)
        #expect(s.ranges(limit: 2) == [0..<(5 * Self.page), (6 * Self.page)..<(9 * Self.page)])
        #expect(s.ranges(limit: 1) == [0..<(9 * Self.page)])
    }

    @Test func intersectionKeepsWhatDifferedBothTimes() {
        let first = set([0x1000, 0x2000, Self.slot, 5 * Self.slot])
        let again = set([0x2000, 0x3000, Self.slot, 7 * Self.slot])
        let both = first.intersection(again)
        #expect(both == set([0x2000, Self.slot]))
        #expect(both.count == 2)
        #expect(first.intersection(set([0x3000])).isEmpty)
    }

    @Test func unionMergesBlocksInOrder() {
        var s = set([Self.slot, 0x1000])
        s.formUnion(set([0x2000, Self.slot, 9 * Self.slot]))
        #expect(s == set([0x1000, 0x2000, Self.slot, 9 * Self.slot]))
        #expect(s.count == 4)
    }

    @Test func countsPagesInsideARange() {
        let s = set([0x1000, 0x2000, 0x41000, Self.slot, Self.slot + 0x1000])
        #expect(s.count(in: 0..<(4 * Self.slot)) == 5)
        #expect(s.count(in: 0x2000..<Self.slot) == 2)
        #expect(s.count(in: 0x2000..<(Self.slot + 1)) == 3)
        #expect(s.count(in: 0x41000..<0x41000) == 0)
        #expect(s.count(in: 0x3000..<0x41000) == 0)
        #expect(s.count(in: (Self.slot + 0x1000)..<(Self.slot + 0x2000)) == 1)
    }
}
