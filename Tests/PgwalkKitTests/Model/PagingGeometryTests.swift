import Testing
@testable import PgwalkKit

@Suite struct PagingGeometryTests {
    @Test func realDepthFoldsTheP4DOnFourLevel() {
        let g = PagingGeometry.x86_64FourLevel
        #expect(g.realDepth(.pgd).rawValue == 0)
        #expect(g.realDepth(.p4d).rawValue == 0)   // PTRS_PER_P4D == 1
        #expect(g.realDepth(.pud).rawValue == 2)
        #expect(g.realDepth(.pmd).rawValue == 3)
        #expect(g.isFolded(.p4d) && !g.isFolded(.pud))
        #expect(g.storageLevel(.p4d) == .pgd)
        #expect(!g.hasNoneCheck(.pgd) && g.hasNoneCheck(.p4d))
    }

    @Test func realDepthOnFiveLevelIsTheLevel() {
        let g = PagingGeometry.x86_64FiveLevel
        #expect(PageTableLevel.allCases.dropLast().map { g.realDepth($0).rawValue } == [0, 1, 2, 3])
        #expect(PageTableLevel.allCases.allSatisfy { !g.isFolded($0) })
        #expect(g.hasNoneCheck(.pgd))
    }

    @Test func realDepthWithMoreFolding() throws {
        // A 2-level layout (pud and pmd folded too): a missing pmd is depth 0.
        let g = try PagingGeometry(levels: 4, pageShift: 12, shifts: [22, 22, 22, 22, 12], ptrs: [1024, 1, 1, 1, 1024])
        #expect(g.realDepth(.pmd).rawValue == 0)
        #expect(g.storageLevel(.pmd) == .pgd)
        #expect(!g.hasNoneCheck(.pud) && g.hasNoneCheck(.pmd))
    }

    @Test func addrEndIsTheKernelsPxdAddrEnd() {
        let g = PagingGeometry.x86_64FourLevel
        #expect(g.addrEnd(.pmd, 0x40_0000, 0x40_2000) == 0x40_2000)
        #expect(g.addrEnd(.pmd, 0x3f_f000, 0x80_0000) == 0x40_0000)
        #expect(g.addrEnd(.pgd, 0x7f_ffff_f000, 0x80_0000_1000) == 0x80_0000_0000)
        #expect(g.addrEnd(.p4d, 0x7f_ffff_f000, 0x80_0000_1000) == g.addrEnd(.pgd, 0x7f_ffff_f000, 0x80_0000_1000))
        // A boundary that wraps to 0 compares as "after end".
        #expect(g.addrEnd(.pgd, 0xffff_ff80_0000_0000, 0xffff_ff80_0000_1000) == 0xffff_ff80_0000_1000)
        #expect(g.tableSpan(.pte) == 0x20_0000)
        #expect(g.index(.pmd, 0x40_0000) == 2)
    }

    @Test func inconsistentGeometriesAreRejected() {
        #expect(throws: PagingGeometry.InvalidGeometry.self) {
            try PagingGeometry(levels: 4, pageShift: 12, shifts: [39, 39, 30, 21, 13], ptrs: [512, 1, 512, 512, 512])
        }
        #expect(throws: PagingGeometry.InvalidGeometry.self) {
            try PagingGeometry(levels: 4, pageShift: 12, shifts: [39, 39, 30, 21, 12], ptrs: [512, 1, 500, 512, 512])
        }
        #expect(throws: PagingGeometry.InvalidGeometry.self) {
            try PagingGeometry(levels: 4, pageShift: 12, shifts: [48, 39, 30, 21, 12], ptrs: [512, 512, 512, 512, 512])
        }
    }
}
