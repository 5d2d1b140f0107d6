#if canImport(Glibc)
import Glibc
#endif
import PgwalkKit
import SystemPackage
import Testing

/// The plain pagemap read path on memory this process mapped itself. The
/// expected bits follow from what each test did to each page.
@Suite struct ProcfsPagemapReaderTests {
    let pageSize = ProcfsTestSupport.pageSize

    @Test func touchedPagesArePresentAndUntouchedAreNot() throws {
        let region = try ProcfsFencedMapping(pages: 8)
        let touched: Set = [0, 2, 5]
        for page in touched { region.write(page: page) }
        let reader = try PagemapReader(.current)
        let entries = try reader.entries(in: region.range)
        #expect(entries.count == 8)
        for (page, entry) in entries.enumerated() {
            #expect(entry.isPresent == touched.contains(page), "page \(page): \(entry)")
            #expect(!entry.isSwapped)
            #expect(!entry.isFileOrSharedAnonymous, "private anonymous page \(page)")
            #expect(!entry.isGuardRegion && !entry.isUffdWriteProtected)
            #expect(entry.reservedBits == 0)
            if touched.contains(page) {
                #expect(entry.isExclusive, "a freshly written private page is mapped once")
            } else {
                #expect(entry.rawValue & ~PagemapEntry.softDirtyBit == 0, "untouched page \(page): \(entry)")
            }
        }
        if ProcfsTestSupport.isRoot {
            let pfns = touched.sorted().map { entries[$0].pfn ?? 0 }
            #expect(pfns.allSatisfy { $0 != 0 }, "root sees PFNs")
            #expect(Set(pfns).count == touched.count, "three written pages are three frames")
        }
    }

    @Test func madviseDontNeedDropsPages() throws {
        let region = try ProcfsFencedMapping(pages: 4)
        for page in 0..<4 { region.write(page: page) }
        #expect(madvise(region.pointer(toPage: 1), 2 * pageSize, MADV_DONTNEED) == 0)
        let entries = try PagemapReader(.current).entries(in: region.range)
        #expect(entries.map(\.isPresent) == [true, false, false, true])
        #expect(entries.map(\.isSwapped) == [false, false, false, false])
    }

    @Test func protNoneKeepsTheFrameOfATouchedPage() throws {
        let region = try ProcfsFencedMapping(pages: 3)
        region.write(page: 0)
        region.write(page: 1)
        let reader = try PagemapReader(.current)
        let before = try reader.entry(at: region.address(ofPage: 1))
        #expect(mprotect(region.pointer(toPage: 1), 2 * pageSize, PROT_NONE) == 0)
        let after = try reader.entries(in: region.address(ofPage: 1)..<region.range.upperBound)
        // A PROT_NONE pte still maps the frame (x86: _PAGE_PROTNONE counts as present).
        #expect(after[0].isPresent)
        #expect(after[0].pfn == before.pfn)
        #expect(!after[1].isPresent, "never touched")
    }

    @Test func sharedAnonymousPagesHaveTheFileBit() throws {
        let region = try ProcfsFencedMapping(pages: 2, flags: MAP_SHARED | MAP_ANONYMOUS)
        region.write(page: 0)
        let entries = try PagemapReader(.current).entries(in: region.range)
        #expect(entries[0].isPresent && entries[0].isFileOrSharedAnonymous)
        #expect(!entries[1].isPresent)
    }

    @Test func oneFileFrameMappedTwiceHasOnePFN() throws {
        let file = try ProcfsTemporaryFile(pages: 2)
        let first = try ProcfsFencedMapping(pages: 2, protection: PROT_READ | PROT_WRITE, flags: MAP_SHARED, fd: file.fd)
        let second = try ProcfsFencedMapping(pages: 2, protection: PROT_READ, flags: MAP_SHARED, fd: file.fd)
        let privateCopy = try ProcfsFencedMapping(pages: 2, flags: MAP_PRIVATE, fd: file.fd)
        first.write(page: 0, value: 0x11)
        #expect(second.read(page: 0) == 0x11, "the same page cache page")
        privateCopy.read(page: 0)
        privateCopy.read(page: 1)
        privateCopy.write(page: 1, value: 0x22)  // copy-on-write: a private anonymous copy

        let reader = try PagemapReader(.current)
        let a = try reader.entry(at: first.address)
        let b = try reader.entry(at: second.address)
        let viaPrivate = try reader.entry(at: privateCopy.address)
        let copied = try reader.entry(at: privateCopy.address(ofPage: 1))
        for entry in [a, b, viaPrivate] {
            #expect(entry.isPresent && entry.isFileOrSharedAnonymous, "\(entry)")
            #expect(!entry.isExclusive, "mapped three times: \(entry)")
        }
        #expect(copied.isPresent && !copied.isFileOrSharedAnonymous && copied.isExclusive, "\(copied)")
        // (Page 1 of `second` may be present too: read faults on file
        // mappings map neighbouring cached pages, "fault-around".)
        if ProcfsTestSupport.isRoot {
            #expect(a.pfn != 0)
            #expect(a.pfn == b.pfn)
            #expect(a.pfn == viaPrivate.pfn, "a read through a private mapping maps the page cache page")
            #expect(copied.pfn != a.pfn)
        }
    }

    @Test func readOnlyTouchMapsTheSharedZeroPage() throws {
        let region = try ProcfsFencedMapping(pages: 3)
        #expect(region.read(page: 0) == 0)
        #expect(region.read(page: 2) == 0)
        let entries = try PagemapReader(.current).entries(in: region.range)
        #expect(entries[0].isPresent && entries[2].isPresent)
        #expect(!entries[1].isPresent)
        for entry in [entries[0], entries[2]] {
            #expect(!entry.isExclusive && !entry.isFileOrSharedAnonymous, "the zero page: \(entry)")
        }
        if ProcfsTestSupport.isRoot {
            #expect(entries[0].pfn == entries[2].pfn, "both read the one zero page")
            #expect(entries[0].pfn != 0)
        }
    }

    /// In a helper process: clear_refs clears the soft-dirty bits of every
    /// mapping of the process that writes it, so here it would clear them
    /// under the tests running beside this one (seen: a scan and a plain
    /// read of one area, made a moment apart, differing in bit 55).
    @Test func softDirtyClearsAndReturnsOnWrite() throws {
        let helper = try ProcfsHelperProcess(mode: "softDirty", target: getpid())
        let report = helper.waitForReport(containing: "done")
        let status = helper.waitForExit()
        if report.hasPrefix("no soft-dirty") {
            try Test.cancel("kernel has no soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY off): bit 55 never set")
        }
        #expect(status == 0, "helper exit status \(status)")
        // New area, all written; all present and clean after clear_refs;
        // page 2 dirty again after it is written.
        #expect(report == "written 1111\ncleared 0000\nafter 0010\ndone\n", "\(report)")
    }

    @Test func batchesCoverTheRangeInOrder() throws {
        let region = try ProcfsFencedMapping(pages: 10)
        let touched: Set = [0, 3, 4, 9]
        for page in touched { region.write(page: page) }
        let reader = try PagemapReader(.current, batchCapacity: 3)
        var sizes: [Int] = []
        var addresses: [UInt64] = []
        var entries: [PagemapEntry] = []
        try reader.forEachBatch(in: region.range) { batch in
            sizes.append(batch.count)
            addresses.append(contentsOf: batch.indices.map(batch.address(at:)))
            entries.append(contentsOf: batch)
        }
        #expect(sizes == [3, 3, 3, 1])
        #expect(addresses == (0..<10).map(region.address(ofPage:)))
        #expect(entries.map(\.isPresent) == (0..<10).map(touched.contains))
        // One entry at a time gives the same values.
        for page in 0..<10 {
            #expect(try reader.entry(at: region.address(ofPage: page)) == entries[page])
        }
    }

    /// The buffer starts small and grows as batches need: reads of one
    /// reader past its first size, past its second, and small again each
    /// give every page's own entry.
    @Test func batchesLargerThanTheFirstBufferReadEveryPage() throws {
        let region = try ProcfsFencedMapping(pages: 2_100)
        let touched = Set(stride(from: 0, to: 2_100, by: 3))
        for page in touched { region.write(page: page) }
        let reader = try PagemapReader(.current)
        for (first, count) in [(7, 1), (5, 700), (0, 2_100), (1, 3), (2, 1_500)] {
            let entries = try reader.entries(in: region.address(ofPage: first)..<region.address(ofPage: first + count))
            #expect(entries.map(\.isPresent) == (first..<first + count).map(touched.contains), "\(count) pages from \(first)")
        }
    }

    /// verify's window reads straight into a buffer of its own: the same
    /// entries as the reader's batches give, at sizes below, at and past
    /// the reader's first buffer, and the read reaches past a batch of the
    /// reader's buffer without using it.
    @Test func entriesReadIntoACallersBufferAreTheBatchesEntries() throws {
        let region = try ProcfsFencedMapping(pages: 2_100)
        let touched = Set(stride(from: 0, to: 2_100, by: 7)).union([1, 2, 3])
        for page in touched { region.write(page: page) }
        let reader = try PagemapReader(.current)
        for (first, count) in [(0, 1), (3, 512), (1, 513), (0, 2_100), (2_099, 1)] {
            let range = region.address(ofPage: first)..<region.address(ofPage: first + count)
            let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: count)
            defer { buffer.deallocate() }
            try reader.readEntries(in: range, into: buffer)
            #expect(Array(buffer) == (try reader.entries(in: range)).map(\.rawValue), "\(count) pages from \(first)")
            #expect(buffer.map { $0 & PagemapEntry.presentBit != 0 } == (first..<first + count).map(touched.contains))
        }
    }

    @Test func entriesReadIntoABufferPastTaskSizeAreReported() throws {
        let reader = try PagemapReader(.current)
        let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 2)
        defer { buffer.deallocate() }
        #expect {
            try reader.readEntries(in: 0xffff_ffff_ff60_0000..<0xffff_ffff_ff60_2000, into: buffer)
        } throws: { error in
            guard let error = error as? ProcfsError,
                  case .beyondAddressSpace(let address) = error.reason else { return false }
            return address == 0xffff_ffff_ff60_0000
        }
    }

    @Test func unalignedRangeCoversEveryOverlappingPage() throws {
        let region = try ProcfsFencedMapping(pages: 3)
        let reader = try PagemapReader(.current)
        #expect(try reader.entries(in: region.address + 1..<region.address + 2).count == 1)
        #expect(try reader.entries(in: region.address + UInt64(pageSize) - 1..<region.address + UInt64(pageSize) + 1).count == 2)
        #expect(try reader.entries(in: region.address..<region.address).isEmpty)
    }

    @Test func populatedRunsByPlainReadAreTheTouchedPages() throws {
        let region = try ProcfsFencedMapping(pages: 12)
        let touched: Set = [1, 2, 3, 7, 11]
        for page in touched { region.write(page: page) }
        var runs: [Range<UInt64>] = []
        try PagemapReader(.current, batchCapacity: 5).forEachPopulatedRun(in: region.range, method: .plainRead) { run in
            #expect(run.categories == nil)
            let allPopulated = run.entries.allSatisfy(\.isPopulated)
            #expect(allPopulated)
            runs.append(run.addresses)
        }
        // Batches of 5 split [1,2,3] no further, but 11 is in the third batch.
        #expect(runs == [
            region.address(ofPage: 1)..<region.address(ofPage: 4),
            region.address(ofPage: 7)..<region.address(ofPage: 8),
            region.address(ofPage: 11)..<region.address(ofPage: 12),
        ])
    }

    @Test func addressBeyondTaskSizeIsReported() throws {
        // [vsyscall] at 0xffffffffff600000 is listed in maps but lies above
        // TASK_SIZE, where pagemap has no entries.
        let reader = try PagemapReader(.current)
        #expect {
            try reader.entry(at: 0xffff_ffff_ff60_0000)
        } throws: { error in
            guard let error = error as? ProcfsError,
                  case .beyondAddressSpace(let address) = error.reason else { return false }
            return address == 0xffff_ffff_ff60_0000
        }
    }

    @Test func closedReaderThrows() throws {
        let reader = try PagemapReader(.current)
        try reader.close()
        try reader.close()
        #expect(throws: ProcfsError.self) { try reader.entry(at: 0x400000) }
    }

    @Test func largeSparseRangeUsesConstantMemory() throws {
        // 8 GiB reserved, nothing populated but two pages: 2 Mi entries
        // (16 MiB if collected) stream through one 512 KiB buffer.
        let pages = (8 << 30) / pageSize
        let region = try ProcfsFencedMapping(pages: pages, protection: PROT_READ | PROT_WRITE,
                                       flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)
        region.write(page: 17)
        region.write(page: pages - 1)
        let reader = try PagemapReader(.current)
        let before = maxResidentKiB()
        var seen = 0
        var populated: [UInt64] = []
        try reader.forEachBatch(in: region.range) { batch in
            seen += batch.count
            for index in batch.indices where batch[index].isPresent { populated.append(batch.address(at: index)) }
        }
        #expect(seen == pages)
        #expect(populated == [region.address(ofPage: 17), region.address(ofPage: pages - 1)])
        #expect(maxResidentKiB() - before < 8 * 1024, "peak RSS grew by more than 8 MiB")
    }

    func maxResidentKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }
}
