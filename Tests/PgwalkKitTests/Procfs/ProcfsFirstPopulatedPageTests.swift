#if canImport(Glibc)
import Glibc
#endif
import PgwalkKit
import SystemPackage
import Testing

/// `PagemapReader.firstPopulatedPage(in:)`, the one-region PAGEMAP_SCAN
/// verify uses to check long none rows (docs/BENCH.md, change 23), on
/// this process's own memory, against plain pagemap reads.
@Suite struct ProcfsFirstPopulatedPageTests {
    /// MADV_GUARD_INSTALL (Linux 6.13+), not in this libc's headers.
    static let madvGuardInstall: Int32 = 102

    /// Present pages (written, and one mapping the zero page) and a guard
    /// marker in a 16 MiB mapping: from anywhere, the scan names the next
    /// of them, and plain reads show every page before it neither
    /// present nor swapped.
    @Test(.enabled(if: ProcfsPagemapScanTests.kernelHasScan, "PAGEMAP_SCAN needs Linux 6.7+"))
    func namesTheNextPopulatedPageAndNothingBeforeItIs() throws {
        let mapping = try ProcfsFencedMapping(pages: 4_096)
        mapping.write(page: 5)
        mapping.read(page: 1_000)  // the zero page: present
        mapping.write(page: 3_000)
        let guarded = madvise(mapping.pointer(toPage: 2_000), ProcfsTestSupport.pageSize, Self.madvGuardInstall) == 0
        if ProcfsPagemapScanTests.kernelVersion >= (6, 13) { #expect(guarded, "MADV_GUARD_INSTALL: errno \(errno)") }
        let reader = try PagemapReader(.current)
        let entries = try reader.entries(in: mapping.range)
        var populated = [5, 1_000, 3_000]
        if guarded { populated.insert(2_000, at: 2) }
        for page in populated {
            #expect(entries[page].isPresent || entries[page].isSwapped, "page \(page): \(entries[page])")
        }
        var from = 0
        for page in populated + [4_096] {
            let rest = mapping.address(ofPage: from)..<mapping.range.upperBound
            let found = try #require(try reader.firstPopulatedPage(in: rest))
            #expect(found == mapping.address(ofPage: page), "from page \(from)")
            #expect(entries[from..<page].allSatisfy { !$0.isPresent && !$0.isSwapped }, "pages \(from)..<\(page)")
            from = page + 1
        }
        // A range that ends before the next populated page: nothing in it.
        #expect(try reader.firstPopulatedPage(in: mapping.address(ofPage: 6)..<mapping.address(ofPage: 900))
            == mapping.address(ofPage: 900))
    }

    /// Before 6.7 there is no scan: nil, and verify reads every entry.
    @Test(.enabled(if: !ProcfsPagemapScanTests.kernelHasScan, "the kernel has PAGEMAP_SCAN"))
    func saysNothingWithoutTheScan() throws {
        let reader = try PagemapReader(.current)
        #expect(try reader.firstPopulatedPage(in: 0x1000..<0x10_0000) == nil)
    }
}
