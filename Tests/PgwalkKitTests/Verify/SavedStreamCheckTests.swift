import Foundation
import SystemPackage
import Testing
@testable import PgwalkKit

/// `Verifier.check(saved:)`, verify's page and VMA checks on a recorded
/// stream against a pagemap snapshot (what the decoder fuzzer runs).
@Suite struct SavedStreamCheckTests {
    func fixture(_ name: String) throws -> [UInt8] {
        let directory = try #require(FixtureTests.directory)
        return Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// The present pages of the walk, and its VMAs as /proc/PID/maps would list them.
    func walked(_ bytes: [UInt8]) throws -> (present: [UInt64: UInt64], maps: [MemoryMapping]) {
        var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: MemoryByteSource(bytes)))
        let header = driver.header
        var present: [UInt64: UInt64] = [:]
        var maps = ""
        var builder = MappingRowBuilder(
            pfnVisible: header.flags.contains(.pfnVisible), pageShift: header.geometry.pageShift,
            vmaStarted: { vma in
                maps += "\(String(vma.start, radix: 16))-\(String(vma.end, radix: 16)) r--p 00000000 00:00 0 \(vma.name)\n"
            },
            emit: { row in
                guard row.kind == .present else { return }
                var address = row.start
                while address < row.end {
                    present[address >> 12] = PagemapEntry.presentBit | row.payload(at: address)
                    address += 4096
                }
            })
        _ = try driver.run(ops: &builder)
        builder.finish()
        return (present, try ProcessMaps.parse(Array(maps.utf8)))
    }

    /// A pagemap of zeroes (no page at all) disagrees with every present
    /// page of the walk on presence; every other disagreement is soft-dirty
    /// alone: pagemap reports the pages of a VM_SOFTDIRTY VMA soft-dirty
    /// even where nothing is mapped, and the check expects that.
    @Test func emptyPagemapMissesEveryPresentPage() throws {
        let bytes = try fixture("target-4level.pgw")
        let (present, maps) = try walked(bytes)
        #expect(present.count > 100)
        let report = try Verifier.check(saved: StreamDecoder(source: MemoryByteSource(bytes)),
                                        pagemap: PagemapSnapshot(entries: [:]), maps: maps, mismatchLimit: 1 << 20)
        #expect(report.mismatches.count == Int(report.totalMismatches))
        let onPresence = report.mismatches.filter { $0.differences.contains { $0.field == .present } }
        #expect(Set(onPresence.map { $0.address >> 12 }) == Set(present.keys))
        let rest = report.mismatches.filter { !$0.differences.contains { $0.field == .present } }
        #expect(rest.allSatisfy { $0.differences.map(\.field) == [.softDirty] })
        #expect(report.vmaDifferences.isEmpty)

        let limited = try Verifier.check(saved: StreamDecoder(source: MemoryByteSource(bytes)),
                                         pagemap: PagemapSnapshot(entries: [:]), maps: maps, mismatchLimit: 10)
        #expect(limited.totalMismatches == report.totalMismatches)
        #expect(limited.mismatches.count == 10)
    }

    /// A pagemap that agrees on every page: the walk's present pages, with
    /// the soft-dirty and file bits wherever the rules expect them
    /// (VM_SOFTDIRTY VMAs; the vDSO's page is the kernel's, not anon).
    func agreeingPagemap(_ bytes: [UInt8], present: [UInt64: UInt64], maps: [MemoryMapping],
                         frameFlags: KernelPageFlagsReader? = nil) throws -> [UInt64: UInt64] {
        var agreeing = present
        let first = try Verifier.check(saved: StreamDecoder(source: MemoryByteSource(bytes)),
                                       pagemap: PagemapSnapshot(entries: present), maps: maps, mismatchLimit: 1 << 20,
                                       frameFlags: frameFlags)
        for m in first.mismatches {
            for difference in m.differences {
                switch difference.field {
                case .softDirty: agreeing[m.address >> 12, default: 0] |= PagemapEntry.softDirtyBit
                case .file: agreeing[m.address >> 12, default: 0] |= PagemapEntry.fileOrSharedAnonymousBit
                default: Issue.record("unexpected difference \(difference) at \(m.address)")
                }
            }
        }
        return agreeing
    }

    /// A pagemap source that counts its reads.
    final class CountingPagemap: PagemapEntrySource {
        let snapshot: PagemapSnapshot
        private(set) var reads = 0
        init(_ entries: [UInt64: UInt64]) { snapshot = PagemapSnapshot(entries: entries) }
        var batchCapacity: Int { snapshot.batchCapacity }
        func forEachBatch(in range: Range<UInt64>, _ body: (PagemapBatch) throws -> Void) throws {
            reads += 1
            try snapshot.forEachBatch(in: range, body)
        }
        func firstPopulatedPage(in range: Range<UInt64>) throws -> UInt64? { nil }
    }

    /// verify reads pagemap ahead past a small VMA's end (docs/BENCH.md,
    /// change 13): the target's blocks of adjacent small VMAs cost fewer
    /// reads than VMAs, and a wrong entry on the first page of every VMA,
    /// read ahead or not, is still found there and nowhere else.
    @Test func readingAheadAcrossVMAsFindsEveryVMAsFirstPage() throws {
        let bytes = try fixture("target-4level.pgw")
        let (present, maps) = try walked(bytes)
        let agreeing = try agreeingPagemap(bytes, present: present, maps: maps)
        let counting = CountingPagemap(agreeing)
        let clean = try Verifier.check(saved: StreamDecoder(source: MemoryByteSource(bytes)), pagemap: counting,
                                       maps: maps, mismatchLimit: 1 << 20)
        #expect(clean.totalMismatches == 0)
        #expect(clean.vmas.count == maps.count && maps.count > 20)
        #expect(counting.reads < maps.count / 2, "\(counting.reads) reads for \(maps.count) VMAs")

        var changed = agreeing
        for m in maps {
            let page = m.start >> 12
            if let entry = agreeing[page], entry & PagemapEntry.presentBit != 0 {
                changed[page] = entry + 1000 // another PFN
            } else {
                changed[page] = (agreeing[page] ?? 0) | PagemapEntry.presentBit | 0x1234
            }
        }
        let report = try Verifier.check(saved: StreamDecoder(source: MemoryByteSource(bytes)),
                                        pagemap: PagemapSnapshot(entries: changed), maps: maps, mismatchLimit: 1 << 20)
        #expect(Set(report.mismatches.map(\.address)) == Set(maps.map(\.start)))
        #expect(report.totalMismatches == UInt64(maps.count))
        #expect(report.pagesChecked == clean.pagesChecked)
    }

    /// A kpageflags file of our own: KPF_ANON on every third frame of the
    /// walk (a sparse file, 8 bytes per frame, as /proc/kpageflags).
    func kpageflags(anonymousFrames: Set<UInt64>, in directory: FilePath) throws -> KernelPageFlagsReader {
        let path = directory.appending("kpageflags")
        let fd = try FileDescriptor.open(path, .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
        defer { try? fd.close() }
        for frame in anonymousFrames {
            var value = KernelPageFlags.anon.rawValue.littleEndian
            _ = try withUnsafeBytes(of: &value) { try fd.write(toAbsoluteOffset: Int64(frame * 8), $0) }
        }
        let last = (anonymousFrames.max() ?? 0) + 1024
        var zero: UInt64 = 0
        _ = try withUnsafeBytes(of: &zero) { try fd.write(toAbsoluteOffset: Int64(last * 8), $0) }
        return try KernelPageFlagsReader(kpageflags: path)
    }

    /// The target's fixture checked against a kpageflags file of our own
    /// in which every third frame is KPF_ANON: `body` gets the walk's
    /// present pages (page number to pagemap entry), a pagemap that agrees
    /// with every rule under those flags, and the check of any pagemap.
    func withEveryThirdFrameAnonymous(
        _ body: (_ present: [UInt64: UInt64], _ agreeing: [UInt64: UInt64],
                 _ report: ([UInt64: UInt64]) throws -> VerifyReport) throws -> Void
    ) throws {
        let bytes = try fixture("target-4level.pgw")
        let (present, maps) = try walked(bytes)
        let directory = FilePath(FileManager.default.temporaryDirectory.path)
            .appending("pgwalk-kpf-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(atPath: directory.string, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
        let frames = present.values.map { $0 & PagemapEntry.frameMask }
        let flags = try kpageflags(anonymousFrames: Set(frames.filter { $0 % 3 == 0 }), in: directory)
        defer { try? flags.close() }
        func report(_ entries: [UInt64: UInt64]) throws -> VerifyReport {
            try Verifier.check(saved: StreamDecoder(source: MemoryByteSource(bytes)),
                               pagemap: PagemapSnapshot(entries: entries), maps: maps, mismatchLimit: 1 << 20,
                               frameFlags: flags)
        }
        try body(present, try agreeingPagemap(bytes, present: present, maps: maps, frameFlags: flags), report)
    }

    /// verify asks kpageflags for the frames of private file pages, a
    /// row's frames in one read: each page must get its own frame's
    /// KPF_ANON. pagemap's file bit must be set exactly on the pages whose
    /// frames are not anonymous (docs/VERIFY.md rule 7); one page with the
    /// wrong bit in each of three VMAs is found there, and the report
    /// lists the mismatches in address order.
    @Test func privateFilePagesGetTheirOwnFramesFlags() throws {
        try withEveryThirdFrameAnonymous { present, agreeing, report in
            // The file bit wherever the rules ask for it, then nothing differs.
            let clean = try report(agreeing)
            #expect(clean.totalMismatches == 0)
            // Which pages got the file bit: those of private file VMAs whose
            // frame is not one of the anonymous ones, and no other of them.
            var privateFilePages: [UInt64: VMA] = [:]
            for summary in clean.vmas where summary.vma.backing == .file && !summary.vma.flags.contains(.shared) {
                for page in present.keys where summary.vma.contains(page << 12) { privateFilePages[page] = summary.vma }
            }
            #expect(privateFilePages.count > 50)
            for (page, _) in privateFilePages {
                let anonymous = (present[page]! & PagemapEntry.frameMask) % 3 == 0
                #expect((agreeing[page]! & PagemapEntry.fileOrSharedAnonymousBit != 0) == !anonymous,
                        "page \(String(page << 12, radix: 16))")
            }
            #expect(Set(privateFilePages.keys.map { (present[$0]! & PagemapEntry.frameMask) % 3 == 0 }).count == 2)

            // The wrong file bit on the first page of three private file VMAs.
            var changed = agreeing
            var flipped: [UInt64] = []
            for vma in Set(privateFilePages.values).sorted(by: { $0.start < $1.start }).prefix(3) {
                let page = privateFilePages.keys.filter { privateFilePages[$0] == vma }.min()!
                changed[page]! ^= PagemapEntry.fileOrSharedAnonymousBit
                flipped.append(page << 12)
            }
            // And a wrong PFN on an anonymous page after the first of them.
            let anonymousVMAs = clean.vmas.map(\.vma).filter { $0.backing == .anonymous }
            let wrongFrame = try #require(present.keys.sorted().first { page in
                page << 12 > flipped[0] && anonymousVMAs.contains { $0.contains(page << 12) }
            })
            changed[wrongFrame]! += 1000
            let after = try report(changed)
            #expect(after.mismatches.map(\.address) == (flipped + [wrongFrame << 12]).sorted())
            #expect(after.mismatches.map { $0.differences.map(\.field) }
                    == (flipped + [wrongFrame << 12]).sorted().map { $0 == wrongFrame << 12 ? [.pfn] : [.file] })
            #expect(after.pagesChecked == clean.pagesChecked)
        }
    }

    /// Private file pages past the first of their VMA take a fast path
    /// keyed by their frame's KPF_ANON (docs/BENCH.md, change 14). It must
    /// not take a page whose entry differs: in every private file VMA, the
    /// last present page whose frame is as anonymous as an earlier page's
    /// gets the wrong file bit, and one page before it, after a page of its
    /// kind too, another PFN. Each is found there, and nothing else.
    @Test func privateFilePagesAfterAMatchingOneAreStillJudged() throws {
        try withEveryThirdFrameAnonymous { present, agreeing, report in
            let isAnonymous = { (page: UInt64) in (present[page]! & PagemapEntry.frameMask) % 3 == 0 }
            let clean = try report(agreeing)
            #expect(clean.totalMismatches == 0)

            var changed = agreeing
            var expected: [UInt64: PageExpectation.Field] = [:]
            for summary in clean.vmas where summary.vma.backing == .file && !summary.vma.flags.contains(.shared) {
                let pages = present.keys.filter { summary.vma.contains($0 << 12) }.sorted()
                // Pages with an earlier page of the same KPF_ANON in the VMA.
                let seconds = pages.enumerated().filter { i, page in
                    pages[..<i].contains { isAnonymous($0) == isAnonymous(page) }
                }.map(\.element)
                guard seconds.count >= 2 else { continue }
                changed[seconds.last!]! ^= PagemapEntry.fileOrSharedAnonymousBit
                expected[seconds.last! << 12] = .file
                changed[seconds[seconds.count - 2]]! += 3000 // another frame, as anonymous as its own
                expected[seconds[seconds.count - 2] << 12] = .pfn
            }
            #expect(expected.count >= 6, "\(expected.count) pages changed")
            let after = try report(changed)
            #expect(after.mismatches.map(\.address) == expected.keys.sorted())
            #expect(after.mismatches.map { $0.differences.map(\.field) } == expected.keys.sorted().map { [expected[$0]!] })
            #expect(after.pagesChecked == clean.pagesChecked)
        }
    }

    /// One wrong PFN inside a run of present pages and one present bit
    /// inside a run of none pages: each is reported once, at its address,
    /// and the pages around it still count as checked (verify takes runs of
    /// matching pages in one loop and must stop exactly there).
    @Test func aMismatchInsideARunIsFoundExactly() throws {
        let bytes = try fixture("target-4level.pgw")
        let (present, maps) = try walked(bytes)
        func report(_ entries: [UInt64: UInt64]) throws -> VerifyReport {
            try Verifier.check(saved: StreamDecoder(source: MemoryByteSource(bytes)),
                               pagemap: PagemapSnapshot(entries: entries), maps: maps, mismatchLimit: 1 << 20)
        }
        let agreeing = try agreeingPagemap(bytes, present: present, maps: maps)
        let baseline = try report(agreeing)
        #expect(baseline.totalMismatches == 0)
        let frame = PagemapEntry.frameMask
        let inRun = try #require(present.keys.sorted().first { page in
            guard let before = present[page - 1], let here = present[page], let after = present[page + 1] else { return false }
            let (b, h, a): (UInt64, UInt64, UInt64) = (before & frame, here & frame, after & frame)
            return h == b + 1 && a == h + 1
        })
        var hole: UInt64?
        for m in maps where hole == nil {
            let first: UInt64 = (m.start >> 12) + 1
            let last: UInt64 = (m.end >> 12) - 1
            var page = first
            while page < last {
                if present[page - 1] == nil, present[page] == nil, present[page + 1] == nil {
                    hole = page
                    break
                }
                page += 1
            }
        }
        let inHole = try #require(hole)
        var changed = agreeing
        changed[inRun] = agreeing[inRun]! + 1000
        changed[inHole] = (agreeing[inHole] ?? 0) | PagemapEntry.presentBit | 0x1234
        let after = try report(changed)
        #expect(Set(after.mismatches.map(\.address)) == [inRun << 12, inHole << 12])
        #expect(after.totalMismatches == 2)
        #expect(after.pagesChecked == baseline.pagesChecked)
        let pfn = try #require(after.mismatches.first { $0.address == inRun << 12 })
        #expect(pfn.differences.map(\.field) == [.pfn])
    }

    /// Maps that lacks one walked VMA and lists one the walk does not have
    /// (in the middle, between two that agree): each is named once, maps'
    /// extra first; unsorted maps gives the same.
    @Test func vmaDifferencesBothWays() throws {
        let bytes = try fixture("target-4level.pgw")
        let (present, maps) = try walked(bytes)
        var changed = maps
        let dropped = changed.remove(at: maps.count / 2)
        let extra = try #require(ProcessMaps.parse(Array("10000-11000 r--p 00000000 00:00 0 [extra]\n".utf8)).first)
        changed.insert(extra, at: 0)
        for variant in [changed, changed.reversed()] {
            let report = try Verifier.check(saved: StreamDecoder(source: MemoryByteSource(bytes)),
                                            pagemap: PagemapSnapshot(entries: present), maps: variant)
            #expect(report.vmaDifferences == [
                "maps has 0x0000000000010000-0x0000000000011000 [extra]; the walk does not",
                "the walk has \(Hex.address(dropped.start))-\(Hex.address(dropped.end))"
                    + (dropped.pathname.isEmpty ? "" : " \(dropped.pathname)") + "; maps does not",
            ])
        }
    }

    @Test func mapsWithoutAVMAIsReported() throws {
        let bytes = try fixture("target-4level.pgw")
        let (present, maps) = try walked(bytes)
        let report = try Verifier.check(saved: StreamDecoder(source: MemoryByteSource(bytes)),
                                        pagemap: PagemapSnapshot(entries: present), maps: Array(maps.dropFirst()))
        #expect(report.vmaDifferences.count == 1)
        #expect(report.pagesChecked > UInt64(present.count))
    }

    @Test func snapshotReadsItsEntriesAndNoneElsewhere() throws {
        let snapshot = PagemapSnapshot(entries: [5: 0xabc], batchCapacity: 3)
        var seen: [UInt64] = []
        var batches = 0
        try snapshot.forEachBatch(in: 0x3000..<0x8000) { batch in
            batches += 1
            seen += Array(batch.rawEntries)
        }
        #expect(seen == [0, 0, 0xabc, 0, 0])
        #expect(batches == 2)
    }
}
