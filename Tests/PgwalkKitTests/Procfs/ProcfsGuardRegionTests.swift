import Testing
@testable import PgwalkKit
#if canImport(Glibc)
import Glibc
#endif

/// The guard region probe against the running kernel, checked by doing the
/// same thing independently: a guard installed with madvise(2) on a page of
/// this test, and /proc/self/pagemap read with pread(2).
@Suite struct ProcfsGuardRegionTests {
    /// What the kernel does with a guard on a fresh page: nil when madvise
    /// rejects MADV_GUARD_INSTALL with EINVAL, else pagemap's bit 58.
    static func kernelsOwnAnswer() throws -> Bool? {
        let size = Int(sysconf(Int32(_SC_PAGESIZE)))
        let page = try #require(mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        try #require(page != MAP_FAILED)
        defer { munmap(page, size) }
        if madvise(page, size, 102) != 0 { // MADV_GUARD_INSTALL
            try #require(errno == EINVAL)
            return nil
        }
        let fd = open("/proc/self/pagemap", O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        var raw: UInt64 = 0
        let offset = off_t(UInt(bitPattern: page) / UInt(size) * 8)
        try #require(pread(fd, &raw, 8, offset) == 8)
        #expect(raw & (1 << 62) != 0) // a guard marker is a swap-format entry
        return raw & (1 << 58) != 0
    }

    @Test func theProbeAgreesWithTheKernel() throws {
        let expected: GuardRegionReporting = switch try Self.kernelsOwnAnswer() {
        case nil: .noGuardRegions
        case false?: .notInPagemap
        case true?: .inPagemap
        }
        #expect(GuardRegionReporting.probe() == expected)
        #expect(GuardRegionReporting.runningKernel == expected)
    }

    @Test func onlyAnUnknownAnswerLeavesTheRuleOpen() {
        #expect(GuardRegionReporting.inPagemap.pagemapReportsGuards == true)
        #expect(GuardRegionReporting.notInPagemap.pagemapReportsGuards == false)
        #expect(GuardRegionReporting.noGuardRegions.pagemapReportsGuards == false)
        #expect(GuardRegionReporting.unknown("mmap failed").pagemapReportsGuards == nil)
    }
}
