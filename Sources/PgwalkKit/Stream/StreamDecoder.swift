/// Decodes a pgwalk stream (docs/FORMAT.md) one record at a time.
///
/// It reads its ``ByteSource`` in chunks and keeps only the record being
/// decoded, so memory does not grow with the stream. Every integer is read
/// little-endian by explicit shifts. Everything FORMAT.md lets a decoder
/// check is checked (lengths, counts, levels, depths, walk order, the
/// walked range, END's counts); anything wrong throws a
/// ``StreamDecodingError`` naming the byte offset, the record and the reason.
/// After an error the decoder stays failed.
///
/// ```swift
/// var decoder = try StreamDecoder(source: FileDescriptorByteSource(fd))
/// while let record = try decoder.nextRecord() { ... }   // last is .end
/// ```
public struct StreamDecoder<Source: ByteSource> {
    /// The stream's header, decoded and checked by `init`.
    public private(set) var header: StreamHeader
    /// Records returned so far.
    public private(set) var recordCount = 0
    /// Byte offset of the last record returned (of the header before any).
    public private(set) var lastRecordOffset: UInt64 = 0
    /// The END record, once decoded.
    public private(set) var endRecord: EndRecord?

    private var source: Source
    private let readSize: Int
    /// Bytes read but not consumed are `buffer[bufferStart..<bufferEnd]`;
    /// the rest of `buffer` is room for the next read. The buffer only
    /// grows (to about `readSize` and one record), so a source that returns
    /// a few bytes per read (a pipe) costs those bytes, not a buffer's worth.
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private var bufferEnd = 0
    /// Stream offset of `buffer[bufferStart]`.
    private var offset: UInt64 = 0
    private var validator: StreamOrderValidator
    private var failure: StreamDecodingError?
    private var limits: RecordLimits

    /// Reads and checks the header.
    /// - Parameter readSize: bytes asked of the source per read.
    public init(source: Source, readSize: Int = 64 * 1024) throws(StreamDecodingError) {
        self.source = source
        self.readSize = max(readSize, 8)
        // Placeholder header until the real one is decoded.
        self.header = StreamHeader(flags: [], pid: 0, geometry: .x86_64FourLevel, kernelVersion: 0,
                                   start: 0, end: 1, taskSize: 1, bufferSize: 0, release: "")
        self.validator = StreamOrderValidator(header: header)
        self.limits = RecordLimits(header.geometry)
        self.header = try decodeHeader()
        self.validator = StreamOrderValidator(header: header)
        self.limits = RecordLimits(header.geometry)
    }

    /// The next record, or nil after the END record has been returned.
    public mutating func nextRecord() throws(StreamDecodingError) -> StreamRecord? {
        if let failure { throw failure }
        if endRecord != nil { return nil }
        do {
            return try decodeRecord()
        } catch {
            failure = error
            throw error
        }
    }

    // MARK: Buffering

    private var available: Int { bufferEnd - bufferStart }

    /// Makes at least `count` bytes available; false at the end of the stream.
    private mutating func fill(_ count: Int) throws(StreamDecodingError) -> Bool {
        while available < count {
            if bufferStart > 0 {
                // The unconsumed bytes (less than a record) to the front.
                let rest = Array(buffer[bufferStart..<bufferEnd])
                buffer.replaceSubrange(0..<rest.count, with: rest)
                bufferStart = 0
                bufferEnd = rest.count
            }
            // Read straight into the buffer's room: no chunk array per read.
            let want = max(readSize, count - available)
            if buffer.count < bufferEnd + want {
                buffer.append(contentsOf: repeatElement(0, count: bufferEnd + want - buffer.count))
            }
            let got: Int
            do {
                got = try buffer.withUnsafeMutableBytes { [bufferEnd] in
                    try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[bufferEnd..<(bufferEnd + want)]))
                }
            } catch {
                throw StreamDecodingError(offset: offset + UInt64(available), recordIndex: nil,
                                          recordType: nil, reason: .readFailed(String(describing: error)))
            }
            if got <= 0 { return false }
            bufferEnd += min(got, want)
        }
        return true
    }

    private mutating func consume(_ count: Int) {
        bufferStart += count
        offset += UInt64(count)
    }

    private func reader(_ count: Int) -> LittleEndianReader {
        LittleEndianReader(buffer[bufferStart..<(bufferStart + count)])
    }

    // MARK: Header

    private mutating func decodeHeader() throws(StreamDecodingError) -> StreamHeader {
        func fail(_ reason: StreamDecodingError.Reason) -> StreamDecodingError {
            StreamDecodingError(offset: 0, recordIndex: nil, recordType: nil, reason: reason)
        }
        let minimum = StreamHeader.minimumLength
        let complete = try fill(minimum)
        if available >= 8 {
            let magic = Array(buffer[bufferStart..<bufferStart + 8])
            guard magic == StreamHeader.magic else { throw fail(.badMagic(magic)) }
        }
        if available >= 12 {
            let early = reader(12)
            let version = early.u16(8)
            guard version == StreamHeader.supportedVersion else { throw fail(.unsupportedVersion(version)) }
            let length = early.u16(10)
            guard Int(length) >= minimum, length % 8 == 0 else { throw fail(.badHeaderLength(length)) }
        }
        guard complete else { throw fail(.truncatedHeader(have: available, need: minimum)) }
        var bytes = reader(minimum)
        let headerLength = Int(bytes.u16(10))
        guard try fill(headerLength) else { throw fail(.truncatedHeader(have: available, need: headerLength)) }
        bytes = reader(minimum)

        let levels = Int(bytes.u32(24))
        let pageShift = Int(bytes.u32(20))
        var shifts: [Int] = []
        var ptrs: [Int] = []
        for level in 0..<5 {
            shifts.append(Int(bytes.u32(56 + 8 * level)))
            ptrs.append(Int(bytes.u32(60 + 8 * level)))
        }
        let geometry: PagingGeometry
        do {
            geometry = try PagingGeometry(levels: levels, pageShift: pageShift, shifts: shifts, ptrs: ptrs)
        } catch {
            throw fail(.badGeometry(error.reason))
        }
        let start = bytes.u64(32)
        let end = bytes.u64(40)
        let taskSize = bytes.u64(48)
        let pageMask = geometry.pageSize - 1
        guard start < end, start & pageMask == 0, end & pageMask == 0, end <= taskSize else {
            throw fail(.badRange(start: start, end: end, taskSize: taskSize))
        }
        let releaseBytes = bytes.slice(104, 56).prefix { $0 != 0 }
        let header = StreamHeader(
            version: bytes.u16(8), headerLength: UInt16(headerLength),
            flags: StreamHeader.Flags(rawValue: bytes.u32(12)), pid: bytes.u32(16),
            geometry: geometry, kernelVersion: bytes.u32(28),
            start: start, end: end, taskSize: taskSize, bufferSize: bytes.u32(96),
            release: String(decoding: releaseBytes, as: UTF8.self))
        consume(headerLength)
        lastRecordOffset = 0
        return header
    }

    // MARK: Records

    private mutating func decodeRecord() throws(StreamDecodingError) -> StreamRecord? {
        let recordOffset = offset
        let index = recordCount
        var type: UInt8?
        func fail(_ reason: StreamDecodingError.Reason) -> StreamDecodingError {
            StreamDecodingError(offset: recordOffset, recordIndex: index, recordType: type, reason: reason)
        }
        guard try fill(8) else {
            throw fail(available == 0 ? .missingEnd : .truncatedRecord(have: available, need: 8))
        }
        let head = reader(8)
        type = head.u8(0)
        let arg8 = head.u8(1)
        let arg16 = head.u16(2)
        let length = head.u32(4)
        guard let recordType = StreamRecordType(rawValue: type!) else { throw fail(.unknownType(type!)) }
        if recordType.isTrace && !header.isTrace { throw fail(.traceRecordWithoutTraceFlag) }
        if recordType == .pteSeq && !header.flags.contains(.seq) { throw fail(.seqRecordWithoutSeqFlag) }

        let expected: UInt32
        switch recordType {
        case .vma:
            expected = 56 + (UInt32(arg16) + 7) / 8 * 8
        case .pteRun:
            let maximum = limits.ptesPerTable
            guard arg16 >= 1, Int(arg16) <= maximum else { throw fail(.badRunCount(count: Int(arg16), maximum: maximum)) }
            expected = 16 + 16 * UInt32(arg16)
        default:
            expected = UInt32(recordType.fixedLength!)
        }
        guard length == expected else { throw fail(.badLength(length: length, expected: expected)) }
        guard try fill(Int(length)) else { throw fail(.truncatedRecord(have: available, need: Int(length))) }

        let body = reader(Int(length))
        let record: StreamRecord
        do {
            record = try parse(recordType, arg8: arg8, arg16: arg16, body: body, offset: recordOffset, index: index)
        } catch {
            throw fail(error)
        }
        consume(Int(length))
        lastRecordOffset = recordOffset
        recordCount += 1
        if case .end(let end) = record {
            endRecord = end
            if try fill(1) { throw StreamDecodingError(offset: offset, recordIndex: nil, recordType: nil, reason: .dataAfterEnd) }
        }
        return record
    }

    private func info(_ word: UInt64) throws(StreamDecodingError.Reason) -> EntryInfo {
        guard let info = EntryInfo(rawValue: word) else { throw .badInfoKind(word) }
        return info
    }

    /// A PTE_SEQ body. Every element's info word must be valid and none may
    /// be a none entry with raw 0; when the steps leave kind and flags alone
    /// (the only steps the module writes), the first and last elements
    /// stand for all.
    private func sequence(addr: UInt64, count: Int, body: LittleEndianReader)
        throws(StreamDecodingError.Reason) -> PTESeqRecord {
        let raw = body.u64(16), infoWord = body.u64(24), rawStep = body.u64(32), infoStep = body.u64(40)
        let last = UInt64(count - 1)
        let (rawSpan, o1) = rawStep.multipliedReportingOverflow(by: last)
        let (infoSpan, o2) = infoStep.multipliedReportingOverflow(by: last)
        let (_, o3) = raw.addingReportingOverflow(rawSpan)
        let (_, o4) = infoWord.addingReportingOverflow(infoSpan)
        guard !(o1 || o2 || o3 || o4) else { throw .badSequence(address: addr) }
        let record = PTESeqRecord(addr: addr, count: count, first: .init(raw: raw, info: try info(infoWord)),
                                  rawStep: rawStep, infoStep: infoStep)
        let checked = infoStep & EntryInfo.payloadFieldMask == infoStep ? [0, count - 1] : Array(0..<count)
        for index in checked {
            let i = UInt64(index)
            let elementInfo = try info(infoWord &+ i &* infoStep)
            if raw &+ i &* rawStep == 0 && elementInfo.kind == .none { throw .badSequence(address: addr) }
        }
        return record
    }

    private mutating func parse(
        _ type: StreamRecordType, arg8: UInt8, arg16: UInt16, body: LittleEndianReader, offset: UInt64, index: Int
    ) throws(StreamDecodingError.Reason) -> StreamRecord {
        let pageMask = limits.pageMask
        switch type {
        case .vma:
            guard let backing = VMABacking(rawValue: arg8) else { throw .badBacking(arg8) }
            let start = body.u64(8)
            let end = body.u64(16)
            guard start < end else { throw .emptyRange(address: start, next: end) }
            guard start & pageMask == 0 else { throw .misaligned(start) }
            guard end & pageMask == 0 else { throw .misaligned(end) }
            guard end > header.start, start < header.end else {
                throw .addressOutsideRange(address: start, end: end, rangeStart: header.start, rangeEnd: header.end)
            }
            let nameBytes = Array(body.slice(56, Int(arg16)))
            let vma = VMA(
                start: start, end: end, flags: VMAFlags(rawValue: body.u32(52)), rawVMFlags: body.u64(24),
                pageOffset: body.u64(32), inode: body.u64(40), device: body.u32(48), backing: backing,
                name: String(decoding: nameBytes, as: UTF8.self))
            return .vma(VMARecord(vma: vma, nameBytes: nameBytes))

        case .entry:
            guard arg8 <= 3, let level = PageTableLevel(rawValue: Int(arg8)) else { throw .badLevel(arg8) }
            guard let action = WalkAction(rawValue: arg16) else { throw .badAction(arg16) }
            let addr = body.u64(8)
            let next = body.u64(16)
            let entryInfo = try info(body.u64(32))
            try validator.checkInRange(addr, next)
            let slotEnd = header.geometry.entryEnd(level, addr)
            if slotEnd != 0 && next > slotEnd { throw .entryBeyondSlot(address: addr, next: next, slotEnd: slotEnd) }
            try validator.checkOrder(addr)
            // The kernel honours CONTINUE only after pud_entry and pmd_entry.
            if action == .continue && level >= .pud { validator.cover(to: next) }
            return .entry(EntryRecord(entry: PageTableEntry(level: level, raw: body.u64(24), info: entryInfo),
                                      addr: addr, next: next, action: action))

        case .pteRun, .noneRun, .pteSeq:
            guard arg8 == UInt8(PageTableLevel.pte.rawValue) else { throw .badLevel(arg8) }
            let count = Int(arg16)
            let maximum = limits.ptesPerTable
            guard count >= 1, count <= maximum else { throw .badRunCount(count: count, maximum: maximum) }
            let addr = body.u64(8)
            guard addr & pageMask == 0 else { throw .misaligned(addr) }
            let (end, overflow) = addr.addingReportingOverflow(UInt64(count) << limits.pageShift)
            guard !overflow else { throw .runCrossesTable(address: addr, count: count) }
            try validator.checkInRange(addr, end)
            guard addr & ~limits.pteTableSpanMask == (end - 1) & ~limits.pteTableSpanMask else {
                throw .runCrossesTable(address: addr, count: count)
            }
            try validator.checkOrder(addr)
            validator.cover(to: end)
            if type == .noneRun { return .noneRun(NoneRunRecord(addr: addr, count: count)) }
            if type == .pteSeq { return .pteSeq(try sequence(addr: addr, count: count, body: body)) }
            var entries: [PTERunRecord.PTEValue] = []
            entries.reserveCapacity(count)
            for element in 0..<count {
                let at = 16 + 16 * element
                entries.append(PTERunRecord.PTEValue(raw: body.u64(at), info: try info(body.u64(at + 8))))
            }
            return .pteRun(PTERunRecord(addr: addr, entries: entries))

        case .hole:
            guard let depth = HoleDepth(rawValue: Int8(bitPattern: arg8)) else { throw .badHoleDepth(Int8(bitPattern: arg8)) }
            // real_depth() never reports a folded level (depth 1 on 4-level x86).
            if let level = depth.level, header.geometry.realDepth(level) != depth { throw .badHoleDepth(depth.rawValue) }
            let addr = body.u64(8)
            let end = body.u64(16)
            try validator.checkInRange(addr, end)
            guard addr & pageMask == 0 else { throw .misaligned(addr) }
            guard end & pageMask == 0 else { throw .misaligned(end) }
            try validator.checkOrder(addr)
            let record = HoleRecord(addr: addr, end: end, depth: depth, count: Int(arg16))
            let calls = record.callCount(geometry: header.geometry)
            guard calls == UInt64(record.count) else {
                throw .holeCountMismatch(count: record.count, calls: Int(clamping: calls))
            }
            validator.cover(to: end)
            return .hole(record)

        case .hugetlb:
            let addr = body.u64(8)
            let next = body.u64(16)
            let hmask = body.u64(24)
            let size = ~hmask &+ 1
            guard size >= header.geometry.pageSize, size & (size &- 1) == 0 else { throw .badHugePage(hmask: hmask) }
            try validator.checkInRange(addr, next)
            guard addr & pageMask == 0 else { throw .misaligned(addr) }
            let pageEnd = (addr & hmask) &+ size
            guard pageEnd == 0 || next <= pageEnd else { throw .badHugePage(hmask: hmask) }
            try validator.checkOrder(addr)
            validator.cover(to: next)
            return .hugetlb(HugetlbRecord(addr: addr, next: next, hmask: hmask, raw: body.u64(32),
                                          info: try info(body.u64(40))))

        case .end:
            let end = EndRecord(status: body.s32(8), chunks: body.u32(12), walkedTo: body.u64(16),
                                streamBytes: body.u64(24), records: body.u64(32))
            guard end.streamBytes == offset else {
                throw .endCountMismatch(field: "stream_bytes", recorded: end.streamBytes, actual: offset)
            }
            guard end.records == UInt64(index) else {
                throw .endCountMismatch(field: "records", recorded: end.records, actual: UInt64(index))
            }
            return .end(end)

        case .walkBegin:
            let start = body.u64(8)
            let end = body.u64(16)
            try validator.checkInRange(start, end)
            return .walkBegin(WalkBeginRecord(start: start, end: end))

        case .walkEnd:
            return .walkEnd(WalkEndRecord(result: body.s64(8)))

        case .testWalk:
            let addr = body.u64(8)
            let next = body.u64(16)
            try validator.checkInRange(addr, next)
            return .testWalk(TestWalkRecord(addr: addr, next: next, result: body.s64(24)))

        case .postVMA:
            let start = body.u64(8)
            let end = body.u64(16)
            guard start < end else { throw .emptyRange(address: start, next: end) }
            return .postVMA(PostVMARecord(vmStart: start, vmEnd: end))

        case .stop:
            guard let callback = WalkCallback(rawValue: arg8) else { throw .badCallback(arg8) }
            return .stop(StopRecord(callback: callback, addr: body.u64(8)))
        }
    }
}

extension StreamDecoder where Source == MemoryByteSource {
    /// Decodes a whole in-memory stream: its header and every record, END last.
    public static func decodeAll(_ bytes: [UInt8]) throws(StreamDecodingError) -> (header: StreamHeader, records: [StreamRecord]) {
        var decoder = try StreamDecoder(source: MemoryByteSource(bytes))
        var records: [StreamRecord] = []
        while let record = try decoder.nextRecord() { records.append(record) }
        return (decoder.header, records)
    }
}
