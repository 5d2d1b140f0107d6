import Testing
@testable import PgwalkKit

/// smaps' per-VMA facts, parsed from the bytes: the VMA starts, the hugetlb
/// page size and the VmFlags mnemonics.
@Suite struct SmapsVMAAttributesTests {
    /// Two VMAs as a 6.12 kernel prints them: a hugetlb mapping of 2 MiB
    /// pages, then an ordinary one; the keys between headers are not VMAs.
    @Test func headersPageSizesAndFlags() {
        let text = """
            7f3a00000000-7f3a00400000 rw-s 00000000 00:10 1234                       /anon_hugepage (deleted)
            Size:               4096 kB
            KernelPageSize:     2048 kB
            MMUPageSize:        2048 kB
            Rss:                   0 kB
            VmFlags: rd wr sh mr mw me ms de ht sd
            ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
            Size:                  4 kB
            KernelPageSize:        4 kB
            VmFlags: ex
            """
        let parsed = SmapsVMAAttributes.parse(Array(text.utf8))
        #expect(parsed.keys.sorted() == [0x7f3a_0000_0000, 0xffff_ffff_ff60_0000])
        #expect(parsed[0x7f3a_0000_0000]?.kernelPageSize == 2 << 20)
        #expect(parsed[0x7f3a_0000_0000]?.flags == [.read, .write, .shared, .hugetlb, .softDirty])
        #expect(parsed[0xffff_ffff_ff60_0000]?.kernelPageSize == 4096)
        #expect(parsed[0xffff_ffff_ff60_0000]?.flags == [.exec])
    }

    /// This process's own smaps: one entry per VMA of its maps, each
    /// readable exactly when maps says `r`, none of them hugetlb.
    @Test func thisProcessMatchesItsMaps() throws {
        // The two reads are a moment apart; threads of the test runner may
        // map between them (five VMAs once, with every suite running), so
        // compare what both saw, in the calmest of a few tries.
        var maps: [MemoryMapping] = [], smaps: [UInt64: SmapsVMAAttributes] = [:]
        var common: [MemoryMapping] = []
        for _ in 0..<10 {
            let m = try ProcessMaps.read(.current)
            let s = try SmapsVMAAttributes.read(.current)
            let c = m.filter { s[$0.start] != nil }
            if maps.isEmpty || m.count - c.count < maps.count - common.count {
                (maps, smaps, common) = (m, s, c)
            }
            if common.count == maps.count { break }
        }
        #expect(common.count >= maps.count - 4)
        #expect(common.count > 10)
        for m in common {
            let attributes = try #require(smaps[m.start])
            #expect(attributes.flags.contains(.read) == m.permissions.contains(.read))
            #expect(attributes.kernelPageSize == 4096)
        }
    }

    /// Lines that only look like headers are not VMAs.
    @Test func onlyHexBeforeTheDashIsAHeader() {
        let text = "Rss:                   4 kB\n-1 kB\n12345678901234567-2 x\nabc-def rw-p\n"
        #expect(SmapsVMAAttributes.parse(Array(text.utf8)).keys.sorted() == [0xabc])
    }
}
