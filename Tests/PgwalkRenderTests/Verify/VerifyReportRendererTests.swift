import Foundation
import Testing
@testable import PgwalkKit
@testable import PgwalkRender

/// `verify`'s text report, byte for byte: the header, a line per VMA with
/// its columns, the mismatches, the verdict.
@Suite struct VerifyReportRendererTests {
    private func vmaSummary(_ vma: VMA, pages: UInt64, present: UInt64, swapped: UInt64 = 0,
                            mismatches: UInt64 = 0, persistent: UInt64 = 0) -> VerifyReport.VMASummary {
        var v = VerifyReport.VMASummary(vma: vma)
        v.pages = pages
        v.present = present
        v.swapped = swapped
        v.mismatches = mismatches
        v.persistent = persistent
        return v
    }

    @Test func everyColumnOfEveryKindOfVMALine() {
        var r = VerifyReport(description: WalkDescription(
            pid: 4242, source: .kernel, geometry: .x86_64FourLevel, kernelRelease: "6.12.117+deb13-amd64",
            pfnVisible: true, start: 0, end: 0x7fff_ffff_f000))
        r.vmas = [
            vmaSummary(VMA(start: 0x5555_5555_4000, end: 0x5555_5555_6000, flags: [.read, .exec],
                           backing: .file, name: "/usr/bin/sleep"), pages: 2, present: 2),
            vmaSummary(VMA(start: 0x7f00_0000_0000, end: 0x7f00_1000_0000), pages: 65_536, present: 12_345_678,
                       swapped: 123_456_789, mismatches: 3, persistent: 1),
            vmaSummary(VMA(start: 0x7ffd_0000_0000, end: 0x7ffd_0000_1000, flags: [.read, .write, .shared],
                           backing: .sharedAnonymous), pages: 1, present: 0),
            vmaSummary(VMA(start: 0x7ffd_1000_0000, end: 0x7ffd_1000_2000, flags: [.read, .pfnMap, .notWalked],
                           backing: .special, name: "[vvar]"), pages: 2, present: 0),
        ]
        r.pagesChecked = 65_541
        r.totalMismatches = 3
        r.persistentMismatches = 1
        r.transientMismatches = 2
        r.mismatches = [VerifyReport.Mismatch(
            address: 0x7f00_0000_1000, vmaStart: 0x7f00_0000_0000,
            differences: [.init(field: .present, module: "1", pagemap: "0"),
                          .init(field: .pfn, module: "0x1234", pagemap: "0x1235")], persistent: true)]
        let expected = """
            pid 4242: 4-level paging, kernel 6.12.117+deb13-amd64, PFNs compared
            VMA                                    PERM  PAGES    PRESENT  SWAPPED  MISMATCH  NAME
            0x0000555555554000-0x0000555555556000 r-xp  2        2        0        0         /usr/bin/sleep
            0x00007f0000000000-0x00007f0010000000 rw-p  65536    12345678 123456789 3 (1 persistent) anon
            0x00007ffd00000000-0x00007ffd00001000 rw-s  1        0        0        0         shared-anon
            0x00007ffd10000000-0x00007ffd10002000 r--p  2        0        0        0         [vvar] (not walked)
            mismatch 0x00007f0000001000 (persistent): present: module 1, pagemap 0; pfn: module 0x1234, pagemap 0x1235
            ... and 2 more mismatched pages, not listed (raise --limit)
            65541 pages checked, 3 mismatched (1 persistent, 2 transient): MISMATCH

            """
        #expect(VerifyReportRenderer.text(r) == expected)
    }

    @Test func aCleanReportWithNoVMAs() {
        var r = VerifyReport(description: WalkDescription(
            pid: 1, source: .kernel, geometry: .x86_64FourLevel, kernelRelease: "6.1.0-57-amd64",
            pfnVisible: false, start: 0, end: 0x1000))
        r.frozen = true
        #expect(VerifyReportRenderer.text(r) == """
            pid 1: 4-level paging, kernel 6.1.0-57-amd64, PFNs hidden (needs CAP_SYS_ADMIN): not compared, target frozen
            VMA                                    PERM  PAGES    PRESENT  SWAPPED  MISMATCH  NAME
            0 pages checked, 0 mismatched (0 persistent, 0 transient): all pages match

            """)
    }

    /// An empty report of a 6.12 walk of `pid` with PFNs compared.
    private func report(pid: Int32) -> VerifyReport {
        VerifyReport(description: WalkDescription(
            pid: pid, source: .kernel, geometry: .x86_64FourLevel, kernelRelease: "6.12.117+deb13-amd64",
            pfnVisible: true, start: 0, end: 0x1000_0000))
    }

    /// `--json` says how many of the pages checked the scan took
    /// (docs/JSON.md, `scanned_pages`), beside the page count it is part of.
    @Test func theJSONSaysHowManyPagesTheScanTook() throws {
        var r = report(pid: 7)
        r.pagesChecked = 65_536
        r.pagesCheckedByScan = 61_440
        let object = try JSONSerialization.jsonObject(with: Data(VerifyReportRenderer.json(r).utf8)) as? [String: Any]
        let document = try #require(object)
        #expect(document["scanned_pages"] as? Int == 61_440)
        #expect((document["summary"] as? [String: Any])?["pages"] as? Int == 65_536)
        #expect(document["result"] as? String == "match")
    }

    /// VMA differences that further looks did not find again are told
    /// apart from persistent ones, and do not make the verdict a mismatch;
    /// the JSON counts them in its summary (docs/JSON.md, `vma_transient`).
    @Test func transientVMADifferencesAreCountedNotFailed() throws {
        var r = report(pid: 9)
        r.pagesChecked = 4
        r.transientVMADifferences = 3
        #expect(VerifyReportRenderer.text(r).hasSuffix("""
            3 VMA difference(s) transient: the target's mappings changed while it was walked (--freeze holds it still)
            4 pages checked, 0 mismatched (0 persistent, 0 transient): all pages match

            """))
        var object = try JSONSerialization.jsonObject(with: Data(VerifyReportRenderer.json(r).utf8)) as? [String: Any]
        #expect((object?["summary"] as? [String: Any])?["vma_transient"] as? Int == 3)
        #expect(object?["result"] as? String == "match")

        r.vmaDifferences = ["maps has 0x0000000000004000-0x0000000000005000; the walk does not"]
        #expect(VerifyReportRenderer.text(r).hasSuffix("""
            vma mismatch: maps has 0x0000000000004000-0x0000000000005000; the walk does not
            3 VMA difference(s) transient: the target's mappings changed while it was walked (--freeze holds it still)
            4 pages checked, 0 mismatched (0 persistent, 0 transient): MISMATCH

            """))
        object = try JSONSerialization.jsonObject(with: Data(VerifyReportRenderer.json(r).utf8)) as? [String: Any]
        #expect(object?["result"] as? String == "mismatch")
        #expect((object?["vma_differences"] as? [String])?.count == 1)
    }
}
