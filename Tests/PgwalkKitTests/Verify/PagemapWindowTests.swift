import Testing
@testable import PgwalkKit

/// verify's pagemap window: what it holds after each read, as its storage
/// grows and is reused, and after a read that fails. The source is a
/// snapshot whose entry for page p is p * 16 + 1 (a value no other page
/// has), so every entry says which page it came from.
@Suite struct PagemapWindowTests {
    static let pageShift = 12
    static let base: UInt64 = 0x7f00_0000_0000

    static func entry(page: UInt64) -> UInt64 { page * 16 + 1 }

    static func snapshot(pages: Range<UInt64>, batchCapacity: Int = 65_536) -> PagemapSnapshot {
        var entries: [UInt64: UInt64] = [:]
        for page in pages { entries[page] = entry(page: page) }
        return PagemapSnapshot(entries: entries, batchCapacity: batchCapacity)
    }

    static func address(page: UInt64) -> UInt64 { base + page << 12 }

    /// Whether `window` holds each of `addresses` (a window cannot go into
    /// `#expect`, which copies what it looks at).
    static func holds(_ window: borrowing PagemapWindow, _ addresses: UInt64...) -> [Bool] {
        addresses.map { window.holds($0) }
    }

    /// The pages a window holds, by the entries it read.
    static func heldPages(_ window: borrowing PagemapWindow) -> [UInt64] {
        window.entries.map { ($0 - 1) / 16 }
    }

    @Test func aReadHoldsTheRangesPagesAndNoOthers() throws {
        let firstPage = Self.base >> 12
        let source = Self.snapshot(pages: firstPage..<firstPage + 4_096)
        var window = PagemapWindow(pageShift: Self.pageShift)
        #expect(Self.holds(window, Self.address(page: 0)) == [false])
        try window.read(Self.address(page: 10)..<Self.address(page: 20), from: source)
        #expect(Self.heldPages(window) == Array(firstPage + 10..<firstPage + 20))
        let start = window.start, index = window.index(of: Self.address(page: 17) + 8)
        #expect(start == Self.address(page: 10))
        #expect(Self.holds(window, Self.address(page: 10), Self.address(page: 19) + 4_095) == [true, true])
        #expect(Self.holds(window, Self.address(page: 9), Self.address(page: 20)) == [false, false])
        #expect(index == 7)
    }

    /// Larger than the first storage (512 entries), then smaller, then
    /// larger again: each read holds exactly its own pages.
    @Test func readsOfEverySizeHoldTheirOwnPages() throws {
        let firstPage = Self.base >> 12
        let source = Self.snapshot(pages: firstPage..<firstPage + 8_192)
        var window = PagemapWindow(pageShift: Self.pageShift)
        for (first, count) in [(0, 1), (5, 512), (3, 513), (100, 3), (0, 8_192), (7, 2_000)] as [(UInt64, UInt64)] {
            try window.read(Self.address(page: first)..<Self.address(page: first + count), from: source)
            #expect(Self.heldPages(window) == Array(firstPage + first..<firstPage + first + count),
                    "\(count) pages from \(first)")
        }
    }

    @Test func anUnalignedRangeHoldsEveryPageItOverlaps() throws {
        let firstPage = Self.base >> 12
        let source = Self.snapshot(pages: firstPage..<firstPage + 16)
        var window = PagemapWindow(pageShift: Self.pageShift)
        try window.read(Self.address(page: 2) + 100..<Self.address(page: 4) + 1, from: source)
        let start = window.start
        #expect(start == Self.address(page: 2))
        #expect(Self.heldPages(window) == [firstPage + 2, firstPage + 3, firstPage + 4])
    }

    /// The default read of a source without one of its own (the snapshot)
    /// copies its batches in order, however many the range takes.
    @Test func aSourcesBatchesAreCopiedInOrder() throws {
        let firstPage = Self.base >> 12
        let source = Self.snapshot(pages: firstPage..<firstPage + 64, batchCapacity: 3)
        let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 10)
        defer { buffer.deallocate() }
        try source.readEntries(in: Self.address(page: 1)..<Self.address(page: 11), into: buffer)
        #expect(Array(buffer) == (firstPage + 1..<firstPage + 11).map(Self.entry(page:)))
    }

    /// A source that fails every read after its first.
    final class FailingPagemap: PagemapEntrySource {
        let snapshot: PagemapSnapshot
        var reads = 0
        var batchCapacity: Int { snapshot.batchCapacity }
        init(_ snapshot: PagemapSnapshot) { self.snapshot = snapshot }
        struct Failure: Error {}
        func forEachBatch(in range: Range<UInt64>, _ body: (PagemapBatch) throws -> Void) throws {
            reads += 1
            if reads > 1 { throw Failure() }
            try snapshot.forEachBatch(in: range, body)
        }
        func firstPopulatedPage(in range: Range<UInt64>) throws -> UInt64? { nil }
    }

    @Test func aFailedReadLeavesNothingHeld() throws {
        let firstPage = Self.base >> 12
        let source = FailingPagemap(Self.snapshot(pages: firstPage..<firstPage + 64))
        var window = PagemapWindow(pageShift: Self.pageShift)
        try window.read(Self.address(page: 0)..<Self.address(page: 8), from: source)
        #expect(Self.holds(window, Self.address(page: 3)) == [true])
        #expect(throws: FailingPagemap.Failure.self) {
            try window.read(Self.address(page: 0)..<Self.address(page: 16), from: source)
        }
        let entries = window.entries
        #expect(entries.isEmpty)
        #expect(Self.holds(window, Self.address(page: 0), Self.address(page: 3)) == [false, false])
    }
}
