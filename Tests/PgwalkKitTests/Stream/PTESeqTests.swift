import Testing
@testable import PgwalkKit

/// PTE_SEQ (FORMAT.md 5.10): a compact PTE_RUN. Decoding it, rejecting bad
/// ones, and every consumer seeing exactly the calls of the expanded run.
/// Element values below are worked out by hand from the spec's formula.
@Suite struct PTESeqTests {
    typealias F = StreamFixture

    static let base: UInt64 = 0x40_0000
    static let flags: EntryFlags = [.leaf, .write, .user, .accessed, .dirty]

    static func seqHeader(pfnVisible: Bool = true) -> StreamHeader {
        var header = F.header(trace: false, start: 0x40_0000, end: 0x60_0000)
        header.flags = pfnVisible ? [.seq, .pfnVisible] : [.seq]
        return header
    }

    /// `count` pages from PFN 0x1000 on, each next frame: the module's
    /// (4096, 1 << 24) steps.
    static func frames(at addr: UInt64 = base, count: Int, pfn: UInt64 = 0x1000) -> PTESeqRecord {
        PTESeqRecord(addr: addr, count: count,
                     first: .init(raw: pfn << 12 | 0x867, info: EntryInfo(kind: .present, flags: flags, payload: pfn)),
                     rawStep: 4096, infoStep: 1 << 24)
    }

    /// The same entry `count` times: (0, 0) steps.
    static func repeated(at addr: UInt64 = base, count: Int, pfn: UInt64) -> PTESeqRecord {
        PTESeqRecord(addr: addr, count: count,
                     first: .init(raw: pfn << 12 | 0x825,
                                  info: EntryInfo(kind: .present, flags: [.leaf, .user, .accessed], payload: pfn)),
                     rawStep: 0, infoStep: 0)
    }

    static func stream(_ header: StreamHeader, _ body: [StreamRecord]) -> [UInt8] {
        F.stream(header, [F.vma(0x40_0000, 0x60_0000)] + body)
    }

    static func decode(_ bytes: [UInt8]) throws -> [StreamRecord] {
        try StreamDecoder.decodeAll(bytes).records
    }

    // MARK: Decoding

    @Test func decodesAndExpandsToTheSpecsElements() throws {
        let records = try Self.decode(Self.stream(Self.seqHeader(), [.pteSeq(Self.frames(count: 3))]))
        guard case .pteSeq(let seq) = records[1] else { Issue.record("not a PTE_SEQ: \(records[1])"); return }
        #expect(seq.count == 3)
        // Element 2: raw 0x1000867 + 2 * 4096, payload 0x1000 + 2.
        #expect(seq.element(2).raw == 0x100_2867)
        #expect(seq.element(2).info.pfn == 0x1002)
        #expect(seq.element(2).info.flags == Self.flags)
        #expect(records[1].pteRun == PTERunRecord(addr: Self.base, entries: [
            .init(raw: 0x100_0867, info: EntryInfo(kind: .present, flags: Self.flags, payload: 0x1000)),
            .init(raw: 0x100_1867, info: EntryInfo(kind: .present, flags: Self.flags, payload: 0x1001)),
            .init(raw: 0x100_2867, info: EntryInfo(kind: .present, flags: Self.flags, payload: 0x1002)),
        ]))
        #expect(seq.end(pageSize: 4096) == Self.base + 0x3000)
    }

    @Test func isFortyEightBytesWithStepsAtTheirOffsets() {
        let bytes = Self.stream(Self.seqHeader(), [.pteSeq(Self.frames(count: 5))])
        let at = 160 + 56   // after the header and the VMA record
        #expect(Array(bytes[at..<at + 8]) == [0x08, 4, 5, 0, 48, 0, 0, 0])
        #expect(Array(bytes[at + 32..<at + 40]) == [0, 0x10, 0, 0, 0, 0, 0, 0])   // raw_step 4096
        #expect(Array(bytes[at + 40..<at + 48]) == [0, 0, 0, 1, 0, 0, 0, 0])      // info_step 1 << 24
    }

    @Test func rejectsPTESeqWithoutTheSeqFlag() {
        var header = Self.seqHeader()
        header.flags = [.pfnVisible]
        let error = #expect(throws: StreamDecodingError.self) {
            _ = try Self.decode(Self.stream(header, [.pteSeq(Self.frames(count: 3))]))
        }
        #expect(error?.reason == .seqRecordWithoutSeqFlag)
        #expect(error?.recordType == 0x08)
    }

    @Test func rejectsSequencesThatWrapOrHoldAPlainNoneEntry() {
        var wraps = Self.frames(count: 3)
        wraps.first.raw = UInt64.max - 4096
        var noneZero = Self.repeated(count: 4, pfn: 0)
        noneZero.first = .init(raw: 0, info: .none)
        var infoWraps = Self.frames(count: 2)
        infoWraps.first.info = EntryInfo(kind: .present, payload: EntryInfo.payloadMax)
        for bad in [wraps, noneZero, infoWraps] {
            let error = #expect(throws: StreamDecodingError.self) {
                _ = try Self.decode(Self.stream(Self.seqHeader(), [.pteSeq(bad)]))
            }
            #expect(error?.reason == .badSequence(address: Self.base))
        }
        // A step that changes the kind: every element's info is checked.
        var kindStep = Self.frames(count: 9)
        kindStep.infoStep = 1
        let error = #expect(throws: StreamDecodingError.self) {
            _ = try Self.decode(Self.stream(Self.seqHeader(), [.pteSeq(kindStep)]))
        }
        #expect(error?.reason == .badInfoKind(kindStep.first.info.rawValue + 7))
    }

    @Test func rejectsCountsAndTablesLikePTERun() {
        let crossing = Self.frames(at: 0x5f_f000, count: 2)
        let error = #expect(throws: StreamDecodingError.self) {
            var header = Self.seqHeader()
            header.end = 0x80_0000
            _ = try Self.decode(F.stream(header, [F.vma(0x40_0000, 0x80_0000), .pteSeq(crossing)]))
        }
        #expect(error?.reason == .runCrossesTable(address: 0x5f_f000, count: 2))
        var bytes = Self.stream(Self.seqHeader(), [.pteSeq(Self.frames(count: 3))])
        bytes[216 + 4] = 56
        let length = #expect(throws: StreamDecodingError.self) { _ = try Self.decode(bytes) }
        #expect(length?.reason == .badLength(length: 56, expected: 48))
    }

    // MARK: Consumers

    /// The default `pteSequence` makes the expanded run's `pte_entry` calls.
    @Test func theDriverReplaysEveryPTEEntryCall() throws {
        let seq = Self.frames(at: Self.base + 0x2000, count: 4)
        var ops = RecordingOps([.pteEntry])
        var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: MemoryByteSource(
            Self.stream(Self.seqHeader(), [.pteSeq(seq)]))))
        _ = try driver.run(ops: &ops)
        let ptes = ops.events.filter { if case .pte = $0 { return true } else { return false } }
        #expect(ptes == (0..<4).map { i in
            WalkEvent.pte(addr: Self.base + 0x2000 + UInt64(i) * 0x1000, raw: (0x1000 + UInt64(i)) << 12 | 0x867,
                          info: EntryInfo(kind: .present, flags: Self.flags, payload: 0x1000 + UInt64(i)))
        })
    }

    static func rows(_ bytes: [UInt8], pfnVisible: Bool) throws -> [MappingRow] {
        var rows: [MappingRow] = []
        var builder = MappingRowBuilder(pfnVisible: pfnVisible, emit: { rows.append($0) })
        var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: MemoryByteSource(bytes)))
        _ = try driver.run(ops: &builder)
        builder.finish()
        return rows
    }

    /// Rows from PTE_SEQ records equal the rows from the same pages sent
    /// as one PTE_RUN: a run of frames joins the row before it; the same
    /// PFN again and again cannot be one present row.
    @Test(arguments: [true, false])
    func rowsEqualThoseOfTheExpandedRun(pfnVisible: Bool) throws {
        // Hidden PFNs: raw PFN bits and payloads are 0, steps (0, 0).
        let hide = { (seq: PTESeqRecord) -> PTESeqRecord in
            guard !pfnVisible else { return seq }
            var hidden = seq
            hidden.first = .init(raw: seq.first.raw & 0xfff,
                                 info: EntryInfo(kind: .present, flags: seq.first.info.flags))
            hidden.rawStep = 0
            hidden.infoStep = 0
            return hidden
        }
        let first = hide(Self.frames(count: 3))
        let second = hide(Self.frames(at: Self.base + 0x3000, count: 200, pfn: 0x1003))
        let zero = hide(Self.repeated(at: Self.base + 0xcb000, count: 5, pfn: 0x77))
        let seqRecords: [StreamRecord] = [.pteSeq(first), .pteSeq(second), .pteSeq(zero)]
        let runRecords: [StreamRecord] = [.pteRun(PTERunRecord(
            addr: Self.base, entries: first.run.entries + second.run.entries + zero.run.entries))]
        var plain = Self.seqHeader(pfnVisible: pfnVisible)
        plain.flags.remove(.seq)
        let fromSeq = try Self.rows(Self.stream(Self.seqHeader(pfnVisible: pfnVisible), seqRecords), pfnVisible: pfnVisible)
        let fromRun = try Self.rows(Self.stream(plain, runRecords), pfnVisible: pfnVisible)
        #expect(fromSeq == fromRun)
        // By hand: PFNs 0x1000-0x10ca in one row, then the repeated frame:
        // five rows of one page when PFNs advance per page, else one.
        #expect(fromSeq.first?.end == Self.base + 0xcb000)
        #expect(fromSeq.first?.payload == (pfnVisible ? 0x1000 : 0))
        #expect(fromSeq.count == (pfnVisible ? 6 : 2))
    }
}
