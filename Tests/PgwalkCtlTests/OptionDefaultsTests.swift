import ArgumentParser
import PgwalkKit
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import pgwalkctl

/// The command line and the library agree on their defaults.
@Suite struct OptionDefaultsTests {
    /// `--seq` is on unless `--no-seq` (the help says so), and a library
    /// request made without saying has the same default.
    @Test func seqIsOnInTheCommandLineAndTheLibrary() throws {
        #expect(try StreamOptions.parse([]).seq == true)
        #expect(try StreamOptions.parse(["--no-seq"]).seq == false)
        #expect(WalkRequest(pid: 1).seq == (try StreamOptions.parse([]).seq))
    }

    /// Ranges are rounded outward to the running kernel's page.
    @Test func rangesRoundToTheSystemPage() throws {
        let page = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        #expect(SystemPage.size == page)
        let range = try RangeOptions.parse(["--start", String(3 * page + 1), "--end", String(5 * page + 1)])
        #expect(range.pageRange().start == 3 * page)
        #expect(range.pageRange().end == 6 * page)
        #expect(range.pageRange(pageSize: 0x4000).start == (3 * page + 1) & ~UInt64(0x3fff))
    }
}
