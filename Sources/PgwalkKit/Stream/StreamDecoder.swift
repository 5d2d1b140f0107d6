/// Decodes a pgwalk stream (docs/FORMAT.md) one record at a time.
///
/// It reads its ``ByteSource`` in chunks and keeps only the record being
/// decoded, so memory does not grow with the stream. Every integer is read
/// little-endian, at the offset its record type names (Stream/Records:
/// each type decodes and checks itself). Everything FORMAT.md lets a
/// decoder check is checked (lengths, counts, levels, depths, walk order,
/// the walked range, END's counts); anything wrong throws a
/// ``StreamDecodingError`` naming the byte offset, the record and the reason.
/// After an error the decoder stays failed.
///
/// ```swift
/// var decoder = try StreamDecoder(source: FileDescriptorByteSource(fd))
/// while let record = try decoder.nextRecord() { ... }   // last is .end
/// ```
public struct StreamDecoder<Source: ByteSource> {
    /// The stream's header, decoded and checked by `init`.
    public var header: StreamHeader { context.header }
    /// Records returned so far.
    public private(set) var recordCount = 0
    /// Byte offset of the last record returned (of the header before any).
    public private(set) var lastRecordOffset: UInt64 = 0
    /// The END record, once decoded.
    public private(set) var endRecord: EndRecord?

    private var source: Source
    private var input: StreamBuffer
    /// The header, and the walk so far, each record is checked against.
    private var context: RecordContext
    private var failure: StreamDecodingError?

    /// Reads and checks the header.
    /// - Parameter readSize: bytes asked of the source per read.
    public init(source: Source, readSize: Int = 64 * 1024) throws(StreamDecodingError) {
        var source = source
        var input = StreamBuffer(readSize: max(readSize, RecordHeader.Layout.size))
        let header = try Self.readHeader(from: &source, into: &input)
        self.source = source
        self.input = input
        self.context = RecordContext(header: header)
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

    // MARK: Header

    private static func readHeader(from source: inout Source, into input: inout StreamBuffer)
        throws(StreamDecodingError) -> StreamHeader {
        func fail(_ reason: StreamDecodingError.Reason) -> StreamDecodingError {
            StreamDecodingError(offset: 0, recordIndex: nil, recordType: nil, reason: reason)
        }
        let minimum = StreamHeader.minimumLength
        let complete = try input.fill(minimum, from: &source)
        do {
            try input.withReader(min(input.available, minimum)) { (bytes) throws(StreamDecodingError.Reason) in
                try StreamHeader.checkOpening(bytes)
            }
        } catch {
            throw fail(error)
        }
        guard complete else { throw fail(.truncatedHeader(have: input.available, need: minimum)) }
        let headerLength = Int(input.withReader(minimum) { $0.u16(StreamHeader.Layout.headerLength) })
        guard try input.fill(headerLength, from: &source) else { throw fail(.truncatedHeader(have: input.available, need: headerLength)) }
        let header: StreamHeader
        do {
            header = try input.withReader(minimum) { (bytes) throws(StreamDecodingError.Reason) in
                try StreamHeader(decoding: bytes)
            }
        } catch {
            throw fail(error)
        }
        input.consume(headerLength)
        return header
    }

    // MARK: Records

    /// Reads one record's header, checks what it alone shows (a known type
    /// the header's flags allow, its length), then lets the record's type
    /// decode and check the rest.
    private mutating func decodeRecord() throws(StreamDecodingError) -> StreamRecord? {
        let recordOffset = input.offset
        let index = recordCount
        var type: UInt8?
        func fail(_ reason: StreamDecodingError.Reason) -> StreamDecodingError {
            StreamDecodingError(offset: recordOffset, recordIndex: index, recordType: type, reason: reason)
        }
        let headerSize = RecordHeader.Layout.size
        guard try input.fill(headerSize, from: &source) else {
            throw fail(input.available == 0 ? .missingEnd : .truncatedRecord(have: input.available, need: headerSize))
        }
        let head = input.withReader(headerSize) { RecordHeader($0) }
        type = head.type
        guard let recordType = StreamRecordType(rawValue: head.type) else { throw fail(.unknownType(head.type)) }
        if recordType.isTrace && !context.header.isTrace { throw fail(.traceRecordWithoutTraceFlag) }
        if recordType == .pteSeq && !context.header.flags.contains(.seq) { throw fail(.seqRecordWithoutSeqFlag) }

        let expected: UInt32
        do {
            expected = try recordType.length(for: head, limits: context.limits)
        } catch {
            throw fail(error)
        }
        let length = Int(head.length)
        guard head.length == expected else { throw fail(.badLength(length: head.length, expected: expected)) }
        guard try input.fill(length, from: &source) else { throw fail(.truncatedRecord(have: input.available, need: length)) }

        context.offset = recordOffset
        context.index = index
        let record: StreamRecord
        do {
            record = try Self.decode(recordType, head, input, length, in: &context)
        } catch {
            throw fail(error)
        }
        input.consume(length)
        lastRecordOffset = recordOffset
        recordCount += 1
        if case .end(let end) = record {
            endRecord = end
            if try input.fill(1, from: &source) {
                throw StreamDecodingError(offset: input.offset, recordIndex: nil, recordType: nil, reason: .dataAfterEnd)
            }
        }
        return record
    }

    /// The record of `type` in the next `length` bytes of `input` (header
    /// included), decoded and checked by its own type.
    private static func decode(_ type: StreamRecordType, _ head: RecordHeader, _ input: StreamBuffer, _ length: Int,
                               in context: inout RecordContext) throws(StreamDecodingError.Reason) -> StreamRecord {
        try input.withReader(length) { (bytes) throws(StreamDecodingError.Reason) in
            try decode(type, head, bytes, in: &context)
        }
    }

    /// The record of `type` in `bytes`, decoded by its own type.
    @inline(__always)
    private static func decode(_ type: StreamRecordType, _ head: RecordHeader, _ bytes: LittleEndianReader,
                               in context: inout RecordContext) throws(StreamDecodingError.Reason) -> StreamRecord {
        switch type {
        case .vma: return .vma(try VMARecord(decoding: head, bytes, in: &context))
        case .entry: return .entry(try EntryRecord(decoding: head, bytes, in: &context))
        case .pteRun: return .pteRun(try PTERunRecord(decoding: head, bytes, in: &context))
        case .noneRun: return .noneRun(try NoneRunRecord(decoding: head, bytes, in: &context))
        case .pteSeq: return .pteSeq(try PTESeqRecord(decoding: head, bytes, in: &context))
        case .hole: return .hole(try HoleRecord(decoding: head, bytes, in: &context))
        case .hugetlb: return .hugetlb(try HugetlbRecord(decoding: head, bytes, in: &context))
        case .end: return .end(try EndRecord(decoding: head, bytes, in: &context))
        case .walkBegin: return .walkBegin(try WalkBeginRecord(decoding: head, bytes, in: &context))
        case .walkEnd: return .walkEnd(try WalkEndRecord(decoding: head, bytes, in: &context))
        case .testWalk: return .testWalk(try TestWalkRecord(decoding: head, bytes, in: &context))
        case .postVMA: return .postVMA(try PostVMARecord(decoding: head, bytes, in: &context))
        case .stop: return .stop(try StopRecord(decoding: head, bytes, in: &context))
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
