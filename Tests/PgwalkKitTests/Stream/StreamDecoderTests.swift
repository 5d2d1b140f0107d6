import Testing
@testable import PgwalkKit

/// Decoding synthesised streams, and every way a stream can be wrong.
@Suite struct StreamDecoderTests {
    typealias F = StreamFixture

    /// One record of every type, in a valid order for a trace stream.
    static let everyRecord: [StreamRecord] = [
        .walkBegin(WalkBeginRecord(start: 0x40_0000, end: 0x70_0000)),
        .testWalk(TestWalkRecord(addr: 0x40_0000, next: 0x40_2000, result: 0)),
        F.vma(0x40_0000, 0x40_2000, [.read, .write, .exec], name: "/usr/bin/cat"),
        F.entry(F.table(.pgd, raw: 0x1067), 0x40_0000, 0x40_2000, .subtree),
        F.entry(F.table(.p4d, raw: 0x1067), 0x40_0000, 0x40_2000, .subtree),
        F.entry(F.table(.pud, raw: 0x2067), 0x40_0000, 0x40_2000, .subtree),
        F.entry(F.table(.pmd, raw: 0x3067), 0x40_0000, 0x40_2000, .subtree),
        .pteRun(PTERunRecord(addr: 0x40_0000, entries: [.init(raw: 0x1234867, info: F.leaf(.pte, pfn: 0x1234).info)])),
        .noneRun(NoneRunRecord(addr: 0x40_1000, count: 1)),
        .postVMA(PostVMARecord(vmStart: 0x40_0000, vmEnd: 0x40_2000)),
        .hole(HoleRecord(addr: 0x40_2000, end: 0x60_0000, depth: .noVMA, count: 1)),
        .testWalk(TestWalkRecord(addr: 0x60_0000, next: 0x68_0000, result: 0)),
        F.vma(0x60_0000, 0x68_0000, [.read, .write, .hugetlb]),
        .hugetlb(HugetlbRecord(addr: 0x60_0000, next: 0x68_0000, hmask: ~UInt64(0x1f_ffff),
                               raw: 0x5e7, info: F.leaf(.pmd, pfn: 0x5000).info)),
        .stop(StopRecord(callback: .postVMA, addr: 0x60_0000)),
        .walkEnd(WalkEndRecord(result: 0)),
    ]

    @Test(arguments: [1, 3, 8, 61, 4096, 1 << 20])
    func decodesEveryRecordTypeAcrossReadBoundaries(chunk: Int) throws {
        let header = F.header()
        let bytes = F.stream(header, Self.everyRecord, chunks: 1)
        var decoder = try StreamDecoder(source: MemoryByteSource(bytes, chunkLimit: chunk), readSize: chunk)
        #expect(decoder.header == header)
        var records: [StreamRecord] = []
        while let record = try decoder.nextRecord() { records.append(record) }
        #expect(Array(records.dropLast()) == Self.everyRecord)
        // The END record: 160-byte header plus the records before it.
        let expectedBytes = UInt64(bytes.count - 40)
        #expect(records.last == .end(EndRecord(status: 0, chunks: 1, walkedTo: 0x70_0000,
                                               streamBytes: expectedBytes, records: UInt64(Self.everyRecord.count))))
        #expect(decoder.endRecord != nil)
        #expect(try decoder.nextRecord() == nil)
    }

    /// A decoder is a value: a copy taken mid-stream decodes the rest on its
    /// own, even though the two read into their buffers after the copy.
    @Test(arguments: [3, 61, 4096])
    func aCopiedDecoderDecodesTheRestOnItsOwn(chunk: Int) throws {
        let bytes = F.stream(F.header(), Self.everyRecord, chunks: 1)
        var first = try StreamDecoder(source: MemoryByteSource(bytes, chunkLimit: chunk), readSize: chunk)
        var before: [StreamRecord] = []
        for _ in 0..<5 { before.append(try #require(try first.nextRecord())) }
        var second = first
        var firstRest: [StreamRecord] = []
        while let record = try first.nextRecord() { firstRest.append(record) }
        var secondRest: [StreamRecord] = []
        while let record = try second.nextRecord() { secondRest.append(record) }
        #expect(Array((before + firstRest).dropLast()) == Self.everyRecord)
        #expect(secondRest == firstRest)
    }

    @Test func headerFieldsAreLittleEndianAtTheirOffsets() throws {
        let bytes = F.stream(F.header(geometry: .x86_64FiveLevel), [])
        // Written by hand from FORMAT.md 3.1.
        #expect(Array(bytes[0..<8]) == [0x50, 0x47, 0x57, 0x41, 0x4c, 0x4b, 0, 0])
        #expect(Array(bytes[8..<12]) == [1, 0, 160, 0])
        #expect(Array(bytes[24..<28]) == [5, 0, 0, 0])
        #expect(Array(bytes[32..<40]) == [0, 0, 0x40, 0, 0, 0, 0, 0])
        #expect(Array(bytes[56..<64]) == [48, 0, 0, 0, 0, 2, 0, 0])   // pgd: shift 48, ptrs 512
        let (header, records) = try StreamDecoder.decodeAll(bytes)
        #expect(header.geometry == .x86_64FiveLevel)
        #expect(header.release == "6.1.0-56-amd64")
        #expect(header.kernelVersionString == "6.1.192")
        #expect(records.count == 1)
    }

    @Test func honoursALongerHeader() throws {
        var header = F.header()
        header.headerLength = 176
        let bytes = F.stream(header, [.noneRun(NoneRunRecord(addr: 0x40_0000, count: 2))])
        #expect(bytes.count == 176 + 16 + 40)
        let (decoded, records) = try StreamDecoder.decodeAll(bytes)
        #expect(decoded.headerLength == 176)
        #expect(records.first == .noneRun(NoneRunRecord(addr: 0x40_0000, count: 2)))
    }

    @Test func holeCallsAreCutAtTheDepthsLevelSize() {
        let hole = HoleRecord(addr: 0x60_0000, end: 0xa0_1000, depth: HoleDepth(rawValue: 3)!, count: 3)
        let calls = hole.calls(geometry: .x86_64FourLevel)
        #expect(calls.map(\.addr) == [0x60_0000, 0x80_0000, 0xa0_0000])
        #expect(calls.map(\.next) == [0x80_0000, 0xa0_0000, 0xa0_1000])
        let outside = HoleRecord(addr: 0x1000, end: 0x4000_0000_0000, depth: .noVMA, count: 1)
        #expect(outside.calls(geometry: .x86_64FourLevel).count == 1)
    }

    // MARK: - Every error, with its position

    /// Decodes `bytes` one byte per read and returns the error it must throw.
    func failure(_ bytes: [UInt8]) -> StreamDecodingError? {
        do {
            var decoder = try StreamDecoder(source: MemoryByteSource(bytes, chunkLimit: 5), readSize: 5)
            while try decoder.nextRecord() != nil {}
            return nil
        } catch {
            return error
        }
    }

    /// A stream whose second record (index 1, at byte 216 after a 56-byte
    /// VMA record) is `record`.
    func withSecond(_ record: StreamRecord, header: StreamHeader = StreamFixture.header(), patch: (inout [UInt8]) -> Void = { _ in }) -> [UInt8] {
        var bytes = F.stream(header, [F.vma(0x40_0000, 0x40_2000), record])
        patch(&bytes)
        return bytes
    }

    func expectRecordError(_ bytes: [UInt8], _ reason: StreamDecodingError.Reason, offset: UInt64 = 216, index: Int = 1,
                           type: UInt8? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = failure(bytes)
        #expect(error?.reason == reason, sourceLocation: sourceLocation)
        #expect(error?.offset == offset, sourceLocation: sourceLocation)
        #expect(error?.recordIndex == index, sourceLocation: sourceLocation)
        if let type { #expect(error?.recordType == type, sourceLocation: sourceLocation) }
        #expect(error.map { !$0.description.isEmpty } == true, sourceLocation: sourceLocation)
    }

    func expectHeaderError(_ bytes: [UInt8], _ reason: StreamDecodingError.Reason, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = failure(bytes)
        #expect(error?.reason == reason, sourceLocation: sourceLocation)
        #expect(error?.offset == 0, sourceLocation: sourceLocation)
        #expect(error?.recordIndex == nil, sourceLocation: sourceLocation)
    }

    @Test func rejectsWrongMagic() {
        var bytes = F.stream(F.header(), [])
        bytes[5] = 0x4d
        expectHeaderError(bytes, .badMagic([0x50, 0x47, 0x57, 0x41, 0x4c, 0x4d, 0, 0]))
        #expect(failure(Array("not a stream at all".utf8))?.reason == .badMagic(Array("not a st".utf8)))
    }

    @Test func rejectsUnsupportedVersion() {
        var bytes = F.stream(F.header(), [])
        bytes[8] = 2
        expectHeaderError(bytes, .unsupportedVersion(2))
    }

    @Test func rejectsBadHeaderLength() {
        var bytes = F.stream(F.header(), [])
        bytes[10] = 152
        expectHeaderError(bytes, .badHeaderLength(152))
        bytes[10] = 164
        expectHeaderError(bytes, .badHeaderLength(164))
    }

    @Test func rejectsTruncatedHeader() {
        let bytes = F.stream(F.header(), [])
        expectHeaderError(Array(bytes[0..<100]), .truncatedHeader(have: 100, need: 160))
        expectHeaderError([], .truncatedHeader(have: 0, need: 160))
        var longer = F.header()
        longer.headerLength = 200
        expectHeaderError(Array(F.stream(longer, [])[0..<180]), .truncatedHeader(have: 180, need: 200))
    }

    @Test func rejectsInconsistentGeometry() {
        var bytes = F.stream(F.header(), [])
        bytes[72] = 31   // pud shift 31 instead of 30
        let error = failure(bytes)
        guard case .badGeometry(let text)? = error?.reason else {
            Issue.record("expected badGeometry, got \(String(describing: error))")
            return
        }
        #expect(text.contains("pud") || text.contains("p4d"))
        var levels = F.stream(F.header(), [])
        levels[24] = 3
        #expect(failure(levels)?.reason == .badGeometry("levels is 3, expected 4 or 5"))
    }

    @Test func rejectsBadRange() {
        expectHeaderError(F.stream(F.header(start: 0x70_0000, end: 0x70_0000), []),
                          .badRange(start: 0x70_0000, end: 0x70_0000, taskSize: 0x7fff_ffff_f000))
        expectHeaderError(F.stream(F.header(start: 0x40_0800, end: 0x70_0000), []),
                          .badRange(start: 0x40_0800, end: 0x70_0000, taskSize: 0x7fff_ffff_f000))
    }

    @Test func rejectsTruncatedRecord() {
        let bytes = withSecond(.noneRun(NoneRunRecord(addr: 0x40_0000, count: 1)))
        // Cut 4 bytes into the NONE_RUN's address.
        expectRecordError(Array(bytes[0..<(216 + 12)]), .truncatedRecord(have: 12, need: 16))
        // Cut inside its 8-byte header.
        expectRecordError(Array(bytes[0..<(216 + 3)]), .truncatedRecord(have: 3, need: 8))
    }

    @Test func rejectsAStreamWithoutEnd() {
        let bytes = withSecond(.noneRun(NoneRunRecord(addr: 0x40_0000, count: 1)))
        // Everything up to, not including, END (at 216 + 16).
        expectRecordError(Array(bytes[0..<232]), .missingEnd, offset: 232, index: 2)
    }

    @Test func rejectsDataAfterEnd() {
        let bytes = F.stream(F.header(), []) + [0, 0, 0, 0, 0, 0, 0, 0]
        let error = failure(bytes)
        #expect(error?.reason == .dataAfterEnd)
        #expect(error?.offset == 200)
    }

    @Test func rejectsLengthWrongForType() {
        let bytes = withSecond(F.entry(F.table(.pmd, raw: 0x3067), 0x40_0000, 0x40_2000, .subtree)) { $0[216 + 4] = 48 }
        expectRecordError(bytes, .badLength(length: 48, expected: 40), type: 0x03)
        let run = withSecond(.pteRun(PTERunRecord(addr: 0x40_0000, entries: [.init(raw: 1, info: .none)]))) { $0[216 + 2] = 2 }
        expectRecordError(run, .badLength(length: 32, expected: 48))
        let vma = withSecond(F.vma(0x40_2000, 0x40_3000, name: "abc")) { $0[216 + 4] = 56 }
        expectRecordError(vma, .badLength(length: 56, expected: 64))
    }

    @Test func rejectsUnknownType() {
        let bytes = withSecond(.noneRun(NoneRunRecord(addr: 0x40_0000, count: 1))) { $0[216] = 0x20 }
        expectRecordError(bytes, .unknownType(0x20), type: 0x20)
        let zero = withSecond(.noneRun(NoneRunRecord(addr: 0x40_0000, count: 1))) { $0[216] = 0x00 }
        expectRecordError(zero, .unknownType(0))
    }

    @Test func rejectsTraceRecordsWithoutTheTraceFlag() {
        let bytes = withSecond(.walkEnd(WalkEndRecord(result: 0)), header: F.header(trace: false))
        expectRecordError(bytes, .traceRecordWithoutTraceFlag, type: 0x11)
    }

    @Test func rejectsAddressesGoingBackwards() {
        let bytes = F.stream(F.header(), [
            F.vma(0x40_0000, 0x40_2000),
            .noneRun(NoneRunRecord(addr: 0x40_1000, count: 1)),
            .noneRun(NoneRunRecord(addr: 0x40_0000, count: 1)),
        ])
        // Third record: 160 + 56 + 16.
        expectRecordError(bytes, .addressBackwards(address: 0x40_0000, previousEnd: 0x40_2000), offset: 232, index: 2)
        // A CONTINUE'd pmd covers its range; a pgd entry does not.
        let afterLeaf = F.stream(F.header(), [
            F.entry(F.leaf(.pmd, pfn: 0x200), 0x40_0000, 0x60_0000, .continue),
            .hole(HoleRecord(addr: 0x40_0000, end: 0x60_0000, depth: HoleDepth(rawValue: 3)!, count: 1)),
        ])
        expectRecordError(afterLeaf, .addressBackwards(address: 0x40_0000, previousEnd: 0x60_0000), offset: 200, index: 1)
        let afterPGD = F.stream(F.header(), [
            F.entry(PageTableEntry.none(.pgd), 0x40_0000, 0x60_0000, .continue),
            .hole(HoleRecord(addr: 0x40_0000, end: 0x60_0000, depth: HoleDepth(rawValue: 0)!, count: 1)),
        ])
        #expect(failure(afterPGD) == nil)
    }

    @Test func rejectsAddressesOutsideTheWalkedRange() {
        let bytes = withSecond(F.entry(F.table(.pmd, raw: 0x3067), 0x60_0000, 0x80_0000, .subtree))
        expectRecordError(bytes, .addressOutsideRange(address: 0x60_0000, end: 0x80_0000, rangeStart: 0x40_0000, rangeEnd: 0x70_0000))
        let below = withSecond(.hole(HoleRecord(addr: 0x3f_f000, end: 0x40_0000, depth: .noVMA, count: 1)))
        expectRecordError(below, .addressOutsideRange(address: 0x3f_f000, end: 0x40_0000, rangeStart: 0x40_0000, rangeEnd: 0x70_0000))
    }

    @Test func rejectsMisalignedAddresses() {
        let bytes = withSecond(.noneRun(NoneRunRecord(addr: 0x40_0800, count: 1)))
        expectRecordError(bytes, .misaligned(0x40_0800))
    }

    @Test func rejectsRunsCrossingAPMD() {
        let bytes = withSecond(.noneRun(NoneRunRecord(addr: 0x5f_f000, count: 2)))
        expectRecordError(bytes, .runCrossesTable(address: 0x5f_f000, count: 2))
        let ptes = withSecond(.pteRun(PTERunRecord(addr: 0x5f_f000, entries: [.init(raw: 1, info: .none), .init(raw: 2, info: .none)])))
        expectRecordError(ptes, .runCrossesTable(address: 0x5f_f000, count: 2))
    }

    @Test func rejectsRunCountsOfZeroOrAboveATable() {
        expectRecordError(withSecond(.noneRun(NoneRunRecord(addr: 0x40_0000, count: 0))), .badRunCount(count: 0, maximum: 512))
        expectRecordError(withSecond(.noneRun(NoneRunRecord(addr: 0x40_0000, count: 513))), .badRunCount(count: 513, maximum: 512))
        let empty = withSecond(.pteRun(PTERunRecord(addr: 0x40_0000, entries: [])))
        expectRecordError(empty, .badRunCount(count: 0, maximum: 512))
    }

    @Test func rejectsHoleDepthsOutsideMinusOneToThree() {
        let four = withSecond(.hole(HoleRecord(addr: 0x40_0000, end: 0x60_0000, depth: HoleDepth(rawValue: 3)!, count: 1))) { $0[217] = 4 }
        expectRecordError(four, .badHoleDepth(4))
        let minusTwo = withSecond(.hole(HoleRecord(addr: 0x40_0000, end: 0x60_0000, depth: .noVMA, count: 1))) { $0[217] = 0xfe }
        expectRecordError(minusTwo, .badHoleDepth(-2))
        // Depth 1 is the folded p4d on 4-level paging: real_depth() makes it 0.
        let folded = withSecond(.hole(HoleRecord(addr: 0x40_0000, end: 0x60_0000, depth: HoleDepth(rawValue: 1)!, count: 1)))
        expectRecordError(folded, .badHoleDepth(1))
    }

    @Test func rejectsHoleCountsThatDoNotMatchTheirRange() {
        let bytes = withSecond(.hole(HoleRecord(addr: 0x40_0000, end: 0x70_0000, depth: HoleDepth(rawValue: 3)!, count: 1)))
        expectRecordError(bytes, .holeCountMismatch(count: 1, calls: 2))
        // 0x3f80000 PMD-sized calls claimed as one: rejected without expanding them.
        let huge = F.stream(F.header(start: 0x20_0000, end: 0x7f00_0020_0000),
                            [.hole(HoleRecord(addr: 0x20_0000, end: 0x7f00_0020_0000, depth: HoleDepth(rawValue: 3)!, count: 1))])
        expectRecordError(huge, .holeCountMismatch(count: 1, calls: 0x3f8_0000), offset: 160, index: 0)
        let noVMA = withSecond(.hole(HoleRecord(addr: 0x40_0000, end: 0x70_0000, depth: .noVMA, count: 2)))
        expectRecordError(noVMA, .holeCountMismatch(count: 2, calls: 1))
    }

    @Test func rejectsLevelsOutOfRange() {
        let pte = withSecond(F.entry(F.table(.pmd, raw: 0x3067), 0x40_0000, 0x40_2000, .subtree)) { $0[217] = 4 }
        expectRecordError(pte, .badLevel(4))
        let run = withSecond(.noneRun(NoneRunRecord(addr: 0x40_0000, count: 1))) { $0[217] = 3 }
        expectRecordError(run, .badLevel(3))
    }

    @Test func rejectsUnknownActionsCallbacksAndBackings() {
        let action = withSecond(F.entry(F.table(.pmd, raw: 0x3067), 0x40_0000, 0x40_2000, .subtree)) { $0[218] = 3 }
        expectRecordError(action, .badAction(3))
        let stop = withSecond(.stop(StopRecord(callback: .pteHole, addr: 0x40_0000))) { $0[217] = 10 }
        expectRecordError(stop, .badCallback(10))
        let backing = withSecond(F.vma(0x40_2000, 0x40_3000)) { $0[217] = 4 }
        expectRecordError(backing, .badBacking(4))
    }

    @Test func rejectsInfoWordsWithUndefinedKinds() {
        let bytes = withSecond(F.entry(F.table(.pmd, raw: 0x3067), 0x40_0000, 0x40_2000, .subtree)) { $0[216 + 32] = 0x09 }
        // table info: kind 1, flags 0xe0, payload 3 (0x3067 >> 12); low byte patched to 9.
        expectRecordError(bytes, .badInfoKind(0x0300_0009))
    }

    @Test func rejectsEmptyRangesAndEntriesPastTheirSlot() {
        let empty = withSecond(F.entry(F.table(.pmd, raw: 0x3067), 0x40_0000, 0x40_0000, .subtree))
        expectRecordError(empty, .emptyRange(address: 0x40_0000, next: 0x40_0000))
        // A pmd slot is 2 MiB: 0x400000's ends at 0x600000.
        let beyond = withSecond(F.entry(F.table(.pmd, raw: 0x3067), 0x40_0000, 0x60_1000, .subtree))
        expectRecordError(beyond, .entryBeyondSlot(address: 0x40_0000, next: 0x60_1000, slotEnd: 0x60_0000))
        // The same range is fine for a pud entry (1 GiB slot).
        #expect(failure(withSecond(F.entry(F.table(.pud, raw: 0x2067), 0x40_0000, 0x60_1000, .subtree))) == nil)
    }

    @Test func rejectsHugetlbRecordsThatAreNotOneHugePage() {
        let hmask = ~UInt64(0x1f_ffff)
        let notMask = withSecond(.hugetlb(HugetlbRecord(addr: 0x40_0000, next: 0x60_0000, hmask: 0x1234, raw: 0, info: .none)))
        expectRecordError(notMask, .badHugePage(hmask: 0x1234))
        let tooLong = withSecond(.hugetlb(HugetlbRecord(addr: 0x40_0000, next: 0x60_1000, hmask: hmask, raw: 0, info: .none)))
        expectRecordError(tooLong, .badHugePage(hmask: hmask))
    }

    @Test func rejectsEndCountsThatDoNotMatch() {
        var records = F.stream(F.header(), [F.vma(0x40_0000, 0x40_2000)])
        records[216 + 32] = 2   // records: 1 -> 2
        expectRecordError(records, .endCountMismatch(field: "records", recorded: 2, actual: 1))
        var bytes = F.stream(F.header(), [F.vma(0x40_0000, 0x40_2000)])
        bytes[216 + 24] = 0     // stream_bytes: 216 -> 0
        expectRecordError(bytes, .endCountMismatch(field: "stream_bytes", recorded: 0, actual: 216))
    }

    @Test func reportsReadFailures() {
        let bytes = F.stream(F.header(), [F.vma(0x40_0000, 0x40_2000)])
        do {
            var decoder = try StreamDecoder(source: FailingByteSource(bytes: bytes, failAfter: 170), readSize: 64)
            while try decoder.nextRecord() != nil {}
            Issue.record("expected a read failure")
        } catch {
            #expect(error.reason == .readFailed("injected EIO"))
            #expect(error.description.contains("read failed"))
        }
    }

    @Test func staysFailedAfterAnError() throws {
        let bytes = withSecond(.noneRun(NoneRunRecord(addr: 0x40_0000, count: 1))) { $0[216] = 0x7f }
        var decoder = try StreamDecoder(source: MemoryByteSource(bytes))
        _ = try decoder.nextRecord()
        #expect(throws: StreamDecodingError.self) { try decoder.nextRecord() }
        #expect(throws: StreamDecodingError.self) { try decoder.nextRecord() }
    }

    @Test func errorMessagesNameTheRecordAndOffset() {
        let error = StreamDecodingError(offset: 216, recordIndex: 1, recordType: 0x05, reason: .runCrossesTable(address: 0x5f_f000, count: 2))
        #expect(error.description == "pgwalk stream: record #1 (NONE_RUN) at byte 216: run of 2 PTEs at 0x5ff000 crosses a PTE table (PMD) boundary")
    }
}
