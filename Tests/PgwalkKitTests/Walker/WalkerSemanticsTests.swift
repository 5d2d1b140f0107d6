import Testing
@testable import PgwalkKit

/// Which semantics a kernel version gets. The versions are where each change
/// is in the kernels' own mm/pagewalk.c (Debian's 6.1.192, 6.12.117, 7.2.12
/// and 7.3.4 sources) and in Debian's 6.12 changelog (the backports).
@Suite struct WalkerSemanticsTests {
    static func code(_ major: UInt32, _ minor: UInt32, _ patch: UInt32 = 0) -> UInt32 {
        major << 16 | minor << 8 | patch
    }

    /// The six properties, for comparing semantics of different versions.
    static func behaviour(_ s: WalkerSemantics) -> [Bool] {
        [s.retriesUnmappedPTETable, s.rechecksPUDBeforePMDs, s.resetsActionBeforeNoneCheck,
         s.locksHugetlbVMA, s.hasWalkLock, s.hasInstallPTE]
    }

    /// LINUX_VERSION_CODE from each matrix kernel's
    /// include/generated/uapi/linux/version.h.
    @Test func theMatrixKernelsGetTheirPresets() {
        #expect(WalkerSemantics(linuxVersionCode: 393_664) == .linux6_1)      // 6.1.0-57-amd64
        #expect(WalkerSemantics(linuxVersionCode: 396_405) == .linux6_12)     // 6.12.117+deb13-amd64
        #expect(WalkerSemantics(linuxVersionCode: 459_524) == .linux7_3)      // 7.3.4+deb13-amd64
        #expect(WalkerSemantics.newest == .linux7_3)
    }

    @Test func the61WalkerHasNoneOfTheChanges() {
        #expect(Self.behaviour(.linux6_1) == [false, false, false, false, false, false])
    }

    @Test func the612WalkerHasAllButInstallPTE() {
        #expect(Self.behaviour(.linux6_12) == [true, true, true, true, true, false])
    }

    @Test func the73WalkerHasAll() {
        #expect(Self.behaviour(.linux7_3) == [true, true, true, true, true, true])
    }

    @Test func mainlineReleasesWhereEachChangeLanded() {
        func b(_ major: UInt32, _ minor: UInt32, _ patch: UInt32 = 0) -> [Bool] {
            Self.behaviour(WalkerSemantics(linuxVersionCode: Self.code(major, minor, patch)))
        }
        #expect(b(6, 2) == [false, false, false, true, false, false])      // hugetlb VMA lock
        #expect(b(6, 4, 11) == [false, false, false, true, false, false])
        #expect(b(6, 4, 12) == [false, false, false, true, true, false])    // walk_lock backport
        #expect(b(6, 5) == [true, false, false, true, true, false])         // pte_offset_map() may fail
        #expect(b(6, 6, 100) == [true, false, false, true, true, false])
        #expect(b(6, 13) == [true, false, false, true, true, true])         // install_pte
        #expect(b(7, 1, 9) == [true, false, false, true, true, true])
        #expect(b(7, 2) == [true, true, true, true, true, true])            // both walk_pmd_range fixes
    }

    @Test func the612StableBackports() {
        func b(_ patch: UInt32) -> [Bool] { Self.behaviour(WalkerSemantics(linuxVersionCode: Self.code(6, 12, patch))) }
        #expect(b(0) == [true, false, false, true, true, false])
        #expect(b(83) == [true, false, false, true, true, false])
        #expect(b(84) == [true, true, false, true, true, false])      // race between concurrent split and refault
        #expect(b(114) == [true, true, false, true, true, false])
        #expect(b(115) == [true, true, true, true, true, false])      // stale walk->action
        #expect(b(255) == [true, true, true, true, true, false])      // sublevels above 255 saturate
    }

    @Test func unknownVersionsGetTheNewestBehaviour() {
        let future = WalkerSemantics(linuxVersionCode: Self.code(9, 4, 1))
        #expect(Self.behaviour(future) == Self.behaviour(.newest))
        #expect(future.kernelVersion == "9.4.1")
        #expect(WalkerSemantics(linuxVersionCode: 0) == .newest)
        // Older than anything modelled: 6.1's walker.
        #expect(Self.behaviour(WalkerSemantics(linuxVersionCode: Self.code(5, 10, 200))) == Self.behaviour(.linux6_1))
    }

    @Test func kernelVersionsAsText() {
        #expect(WalkerSemantics(kernelVersion: "6.1") == WalkerSemantics(linuxVersionCode: Self.code(6, 1)))
        #expect(WalkerSemantics(kernelVersion: "6.12.117") == .linux6_12)
        #expect(WalkerSemantics(kernelVersion: "7.3.4") == .linux7_3)
        #expect(WalkerSemantics(kernelVersion: "6.12.300")?.linuxVersionCode == Self.code(6, 12, 255))
        for bad in ["", "7", "7.", ".3", "7.3.4.1", "seven.3", "7.-3", "0.9", "256.1", "7.3 ", "+7.3", "6.12.117+deb13"] {
            #expect(WalkerSemantics(kernelVersion: bad) == nil, "\(bad)")
        }
    }

    @Test func describesTheKernel() {
        #expect(WalkerSemantics.linux6_12.kernelVersion == "6.12.117")
        #expect(WalkerSemantics.linux6_1.description == "Linux 6.1.192 walk_page_range() semantics")
    }

    @Test func theWalkerDefaultsToTheNewest() {
        let walker = PageWalker(source: PageTables(geometry: .x86_64FourLevel))
        #expect(walker.semantics == .newest)
    }
}
