#if canImport(Glibc)
import Glibc
#endif
import PgwalkKit
import SystemPackage
import Testing

/// /proc/kpageflags and /proc/kpagecount for frames this process mapped.
/// Root only: PFNs are hidden and the files unreadable otherwise.
@Suite(.enabled(if: ProcfsTestSupport.isRoot, "PFNs and /proc/kpage* need root"))
struct ProcfsKernelPageFlagsTests {
    @Test func anonymousPageIsAnonAndMappedOnce() throws {
        let region = try ProcfsFencedMapping(pages: 1)
        region.write(page: 0)
        let pfn = try #require(try PagemapReader(.current).entry(at: region.address).pfn)
        let flags = try KernelPageFlagsReader().flags(ofFrame: pfn)
        #expect(flags.contains([.anon, .mmap, .swapBacked]), "\(flags)")
        #expect(!flags.contains(.zeroPage) && !flags.contains(.thp) && !flags.contains(.huge))
        #expect(flags.pageKind == .ordinary)
        #expect(try KernelPageCountReader().mapCount(ofFrame: pfn) == 1)
    }

    @Test func zeroPageIsFlaggedZeroPage() throws {
        let region = try ProcfsFencedMapping(pages: 1)
        region.read(page: 0)
        let pfn = try #require(try PagemapReader(.current).entry(at: region.address).pfn)
        let flags = try KernelPageFlagsReader().flags(ofFrame: pfn)
        #expect(flags.contains(.zeroPage), "\(flags)")
        #expect(flags.pageKind == .zeroPage)
    }

    @Test func filePageMappedTwiceCountsTwo() throws {
        let file = try ProcfsTemporaryFile(pages: 1)
        let first = try ProcfsFencedMapping(pages: 1, protection: PROT_READ, flags: MAP_SHARED, fd: file.fd)
        let second = try ProcfsFencedMapping(pages: 1, protection: PROT_READ, flags: MAP_SHARED, fd: file.fd)
        first.read(page: 0)
        second.read(page: 0)
        let reader = try PagemapReader(.current)
        let pfn = try #require(try reader.entry(at: first.address).pfn)
        #expect(try reader.entry(at: second.address).pfn == pfn)
        let flags = try KernelPageFlagsReader().flags(ofFrame: pfn)
        #expect(flags.contains([.mmap, .uptodate]), "\(flags)")  // LRU may still be pending in a per-CPU batch
        #expect(!flags.contains(.anon), "a page cache page: \(flags)")
        let onTmpfs = ProcfsTestSupport.fileSystemType(of: file.path) == "tmpfs"
        #expect(flags.contains(.swapBacked) == onTmpfs, "shmem pages iff tmpfs: \(flags)")
        #expect(try KernelPageCountReader().mapCount(ofFrame: pfn) == 2)
    }

    @Test func rangesStreamThroughTheBuffer() throws {
        let region = try ProcfsFencedMapping(pages: 1)
        region.write(page: 0)
        let pfn = try #require(try PagemapReader(.current).entry(at: region.address).pfn)
        let reader = try KernelPageFlagsReader(batchCapacity: 2)
        let start = pfn >= 2 ? pfn - 2 : 0
        // The frame's flags may change between two reads (LRU is set when
        // the per-CPU batch drains, which a booted guest showed): the
        // batched value must be what a single read saw just before or after.
        let before = try reader.flags(ofFrame: pfn)
        let values = try reader.values(ofFrames: start..<start + 5)
        let after = try reader.flags(ofFrame: pfn)
        #expect(values.count == 5)
        let batched = values[Int(pfn - start)]
        #expect(batched == before || batched == after, "batched \(batched), single reads \(before) then \(after)")
    }

    @Test func frameBeyondMemoryIsReported() throws {
        let reader = try KernelPageFlagsReader()
        #expect {
            try reader.flags(ofFrame: 1 << 50)
        } throws: { error in
            guard let error = error as? ProcfsError, case .beyondPhysicalMemory(let frame) = error.reason
            else { return false }
            return frame == 1 << 50
        }
    }

    @Test func flagNamesFollowTheKernel() {
        #expect(KernelPageFlags(rawValue: (1 << 11) | (1 << 12) | (1 << 22)).description == "MMAP|ANON|THP")
        #expect(KernelPageFlags(rawValue: 1 << 24).pageKind == .zeroPage)
        #expect(KernelPageFlags(rawValue: (1 << 24) | (1 << 22)).pageKind == .hugeZeroPage)
        #expect(KernelPageFlags(rawValue: (1 << 17) | (1 << 15)).pageKind == .hugetlbHead)
        #expect(KernelPageFlags(rawValue: 1 << 63).description == "0x8000000000000000")
    }
}
