import Testing
@testable import PgwalkKit

/// The module's view the checker keeps of each mismatched page, which a
/// re-check compares with its own walk's: the same view when the page
/// stood still, another when it was freed and faulted in again.
@Suite struct PageCheckerViewsTests {
    typealias Fixture = PageCheckerScanTests

    /// The checker of the fixture's VMA against its agreeing entries, the
    /// first run's page `page` read from pagemap at another frame.
    private func check(movedPage page: UInt64, rows: [MappingRow] = Fixture.rows()) -> PageChecker {
        let base = Fixture.start >> 12
        var entries = Fixture.agreeingEntries()
        entries[base + page] = PagemapEntry.presentBit | 0x9_9999
        let pagemap = Fixture.ScanningPagemap(entries: entries, emptyEntry: 0, canScan: false)
        let header = StreamFixture.header(trace: false, start: Fixture.start, end: Fixture.start + Fixture.pages << 12)
        let checker = PageChecker(header: header, pagemap: pagemap, frameFlags: nil, limit: 1_000,
                                  guardRegions: .given(nil))
        checker.enter(VMA(start: Fixture.start, end: Fixture.start + Fixture.pages << 12, flags: [.read, .write],
                          backing: .anonymous, name: ""))
        for row in rows { checker.check(row) }
        return checker
    }

    @Test func onlyMismatchedPagesHaveAViewAndItIsTheModules() throws {
        let checker = check(movedPage: 5)
        let address = Fixture.start + 5 << 12
        #expect(checker.report.totalMismatches == 1)
        #expect(Array(checker.moduleViews.keys) == [address])
        let view = try #require(checker.moduleViews[address])
        #expect(view.kind == .present && view.placement == .level(.pte))
        #expect(view.payload == 0x50_000 + (Fixture.start >> 12) + 5)
    }

    @Test func aWalkThatSawAnotherFrameHasAnotherView() throws {
        let address = Fixture.start + 5 << 12
        let same = check(movedPage: 5)
        // The module's own run now maps its pages elsewhere: page 5 too.
        let moved = Fixture.rows().map { row -> MappingRow in
            var row = row
            if row.kind == .present && row.start == Fixture.start { row.payload += 0x1000 }
            return row
        }
        let other = check(movedPage: 5, rows: moved)
        #expect(check(movedPage: 5).moduleViews[address] == same.moduleViews[address])
        #expect(other.moduleViews[address] != nil && other.moduleViews[address] != same.moduleViews[address])
    }

    /// The CPU's accessed and dirty bits are not part of the view: a page
    /// only touched between two walks is the same page.
    @Test func accessedAndDirtyBitsDoNotChangeTheView() throws {
        let address = Fixture.start + 5 << 12
        let touched = Fixture.rows().map { row -> MappingRow in
            var row = row
            if row.kind == .present { row.flags.subtract([.accessed, .dirty]) }
            return row
        }
        #expect(check(movedPage: 5, rows: touched).moduleViews[address] == check(movedPage: 5).moduleViews[address])
    }
}
