import Testing
@testable import PgwalkKit

/// verify's checks of long none rows by PAGEMAP_SCAN (docs/BENCH.md,
/// change 23): the same answers as reading every entry, for fewer entries
/// read. The kernel side of the scan is tested live in
/// ProcfsPagemapScanTests; here a source answers it from its own entries.
@Suite struct PageCheckerScanTests {
    /// A pagemap held as entries by page number, every other page
    /// `emptyEntry`, that answers `firstPopulatedPage` from those entries
    /// (present or swapped, as the kernel's scan does) unless `canScan` is
    /// false, and counts what it is asked.
    final class ScanningPagemap: PagemapEntrySource {
        var entries: [UInt64: UInt64]
        let emptyEntry: UInt64
        let canScan: Bool
        private(set) var pagesRead: UInt64 = 0
        private(set) var scans = 0
        /// A quarter of the VMA: the first read cannot take it all.
        let batchCapacity = 4_096

        init(entries: [UInt64: UInt64], emptyEntry: UInt64, canScan: Bool) {
            self.entries = entries
            self.emptyEntry = emptyEntry
            self.canScan = canScan
        }

        func forEachBatch(in range: Range<UInt64>, _ body: (PagemapBatch) throws -> Void) throws {
            var page = range.lowerBound >> 12
            let endPage = (range.upperBound + 4095) >> 12
            while page < endPage {
                let count = min(UInt64(batchCapacity), endPage - page)
                let values = (page..<page + count).map { entries[$0] ?? emptyEntry }
                pagesRead += count
                try values.withUnsafeBufferPointer {
                    try body(PagemapBatch(startAddress: page << 12, pageSize: 4096, rawEntries: $0))
                }
                page += count
            }
        }

        func firstPopulatedPage(in range: Range<UInt64>) throws -> UInt64? {
            guard canScan else { return nil }
            scans += 1
            let populated = PagemapEntry.presentBit | PagemapEntry.swappedBit
            let first = entries.filter { $0.key >= range.lowerBound >> 12 && $0.key < range.upperBound >> 12
                && $0.value & populated != 0 }.keys.min()
            return first.map { $0 << 12 } ?? range.upperBound
        }
    }

    static let start: UInt64 = 0x1000_0000
    static let pages: UInt64 = 16_384  // 64 MiB
    /// Runs of 128 present pages every 4,096 pages: three long none rows
    /// between them and one after the last.
    static let runStarts: [UInt64] = [0, 4_096, 8_192, 12_288]
    static let runPages: UInt64 = 128

    static func present(_ page: UInt64) -> UInt64 { PagemapEntry.presentBit | (0x50_000 + page) }

    /// The pagemap entries that agree with ``rows()``: the runs' pages
    /// present with their own PFNs, soft-dirty in a VM_SOFTDIRTY VMA.
    static func agreeingEntries(softDirty: Bool = false) -> [UInt64: UInt64] {
        var entries: [UInt64: UInt64] = [:]
        let bits = softDirty ? PagemapEntry.softDirtyBit : 0
        for run in runStarts {
            for page in run..<run + runPages { entries[(start >> 12) + page] = present((start >> 12) + page) | bits }
        }
        return entries
    }

    /// The module's rows of the VMA: each run present, the rest none.
    static func rows() -> [MappingRow] {
        var rows: [MappingRow] = []
        var page: UInt64 = 0
        for run in runStarts + [pages] {
            if page < run {
                rows.append(MappingRow(start: start + page << 12, end: start + run << 12, placement: .level(.pte),
                                       kind: .none, flags: [], swapType: 0, payload: 0, payloadStep: 0,
                                       vmaStart: start))
            }
            guard run < pages else { break }
            let first = (start >> 12) + run
            rows.append(MappingRow(start: first << 12, end: (first + runPages) << 12, placement: .level(.pte),
                                   kind: .present, flags: [.leaf, .write, .user, .accessed, .dirty], swapType: 0,
                                   payload: 0x50_000 + first, payloadStep: 1, vmaStart: start))
            page = run + runPages
        }
        return rows
    }

    /// The checker's report of the VMA (soft-dirty or not) against `pagemap`.
    static func check(_ pagemap: ScanningPagemap, softDirty: Bool) -> PageChecker {
        let header = StreamFixture.header(trace: false, start: start, end: start + pages << 12)
        let checker = PageChecker(header: header, pagemap: pagemap, frameFlags: nil, limit: 1_000,
                                  guardRegions: .given(nil))
        let flags: VMAFlags = softDirty ? [.read, .write, .softDirty] : [.read, .write]
        checker.enter(VMA(start: start, end: start + pages << 12, flags: flags, backing: .anonymous, name: ""))
        for row in rows() { checker.check(row) }
        return checker
    }

    /// Every page of the VMA is checked and agrees, with and without the
    /// scan, in a VMA whose empty pages read 0 and in a VM_SOFTDIRTY one
    /// whose empty pages read soft-dirty; with it, the long none rows are
    /// not read past the read-ahead that learns their entry.
    @Test(arguments: [false, true])
    func agreeingPagesMatchWithFarFewerRead(softDirty: Bool) throws {
        let empty = softDirty ? PagemapEntry.softDirtyBit : 0
        let entries = Self.agreeingEntries(softDirty: softDirty)
        let reading = ScanningPagemap(entries: entries, emptyEntry: empty, canScan: false)
        let scanning = ScanningPagemap(entries: entries, emptyEntry: empty, canScan: true)
        for pagemap in [reading, scanning] {
            let checker = Self.check(pagemap, softDirty: softDirty)
            #expect(checker.error == nil)
            #expect(checker.report.totalMismatches == 0)
            #expect(checker.report.pagesChecked == Self.pages)
            #expect(checker.report.vmas.first?.present == UInt64(Self.runStarts.count) * Self.runPages)
        }
        #expect(reading.pagesRead >= Self.pages && reading.scans == 0)
        // The first read (a batch) holds the first run and the first long
        // none row; after it each run's read stops 512 pages past the
        // run's end, and the scan takes the rest of each next none row.
        #expect(scanning.scans == Self.runStarts.count - 1)
        #expect(scanning.pagesRead == 4_096 + 3 * (Self.runPages + 512),
                "\(scanning.pagesRead) entries read of \(Self.pages)")
        #expect(Self.check(scanning, softDirty: softDirty).report.pagesCheckedByScan > 0)
        #expect(Self.check(reading, softDirty: softDirty).report.pagesCheckedByScan == 0)
    }

    /// A page the module walked as none that pagemap has present, or
    /// swapped, deep inside a long none row, and a present page the
    /// module has that pagemap does not: the scan leads to each, and each
    /// is reported at its own address with what differs, as when every
    /// entry is read.
    @Test func pagesThatDifferInsideLongNoneRowsAreFoundWhereTheyAre() throws {
        let base = Self.start >> 12
        var entries = Self.agreeingEntries()
        entries[base + 2_000] = Self.present(base + 2_000)                     // none in the walk, present here
        entries[base + 9_999] = PagemapEntry.swappedBit | 0x2 << 5            // none in the walk, swapped here
        entries[base + 16_383] = Self.present(base + 16_383)                   // the VMA's last page
        entries[base + 4_100] = nil                                           // present in the walk, empty here
        var found: [[UInt64]] = []
        for canScan in [false, true] {
            let pagemap = ScanningPagemap(entries: entries, emptyEntry: 0, canScan: canScan)
            let checker = Self.check(pagemap, softDirty: false)
            #expect(checker.error == nil)
            #expect(checker.report.pagesChecked == Self.pages)
            let mismatches = checker.report.mismatches
            found.append(mismatches.map { $0.address })
            #expect(mismatches.allSatisfy { !$0.differences.isEmpty })
        }
        let expected = [2_000, 4_100, 9_999, 16_383].map { Self.start + UInt64($0) << 12 }
        #expect(found[0] == expected)
        #expect(found[1] == expected)
    }

    /// The first page of a long none row differs: with no matching empty
    /// entry to stand for the rest, no page of the row is taken on the
    /// scan's word, and every page that differs is found.
    @Test func noRowIsSkippedBeforeAnEmptyPageHasMatched() throws {
        let pagemap = ScanningPagemap(entries: Self.agreeingEntries(), emptyEntry: PagemapEntry.softDirtyBit,
                                      canScan: true)
        // The walk's VMA is not VM_SOFTDIRTY: pagemap's soft-dirty empty
        // pages all differ from it, and the scan never says so.
        let checker = Self.check(pagemap, softDirty: false)
        let nonePages = Self.pages - UInt64(Self.runStarts.count) * Self.runPages
        #expect(checker.report.totalMismatches == nonePages)
        #expect(checker.report.pagesCheckedByScan == 0)
        // The first none page, right after the first run.
        #expect(checker.report.mismatches.first?.address == Self.start + Self.runPages << 12)
    }

    /// A hugetlb VMA and a VM_PFNMAP one (the module does not walk it)
    /// are read, never scanned.
    @Test(arguments: [VMAFlags.hugetlb, VMAFlags.notWalked])
    func vmasTheScanDoesNotSeeAsPagemapDoesAreRead(flag: VMAFlags) throws {
        let pagemap = ScanningPagemap(entries: [:], emptyEntry: 0, canScan: true)
        let header = StreamFixture.header(trace: false, start: Self.start, end: Self.start + Self.pages << 12)
        let checker = PageChecker(header: header, pagemap: pagemap, frameFlags: nil, limit: 1_000,
                                  guardRegions: .given(nil))
        let vma = VMA(start: Self.start, end: Self.start + Self.pages << 12, flags: [.read, .write, flag],
                      backing: .anonymous, name: "")
        checker.enter(vma)
        if !flag.contains(.notWalked) {
            checker.check(MappingRow(start: vma.start, end: vma.end, placement: .level(.pte), kind: .none, flags: [],
                                     swapType: 0, payload: 0, payloadStep: 0, vmaStart: vma.start))
        }
        #expect(checker.error == nil)
        #expect(pagemap.scans == 0)
        #expect(pagemap.pagesRead >= Self.pages)
        #expect(checker.report.pagesChecked == Self.pages)
    }
}
