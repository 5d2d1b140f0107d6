/// Why a stream could not be decoded, and exactly where.
///
/// ``offset`` is the byte offset of the header or record at fault (from the
/// start of the stream), ``recordIndex`` its index among the records (0 is the
/// first record after the header; nil for the header), ``recordType`` its type
/// byte when known.
public struct StreamDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong. It is an `Error` only so that the decoder's helpers
    /// can throw it before the position is attached.
    public enum Reason: Error, Hashable, Sendable {
        /// The first 8 bytes are not `"PGWALK\0\0"`: not a pgwalk stream.
        case badMagic([UInt8])
        /// A format version this decoder does not read.
        case unsupportedVersion(UInt16)
        /// `header_len` is below 160 or not a multiple of 8.
        case badHeaderLength(UInt16)
        /// The header's levels, page shift or per-level shift/ptrs are inconsistent.
        case badGeometry(String)
        /// The header's range is empty, unaligned, or above `task_size`.
        case badRange(start: UInt64, end: UInt64, taskSize: UInt64)
        /// The stream ended inside the header.
        case truncatedHeader(have: Int, need: Int)
        /// The stream ended inside a record.
        case truncatedRecord(have: Int, need: Int)
        /// The stream ended on a record boundary without an END record.
        case missingEnd
        /// Bytes follow the END record.
        case dataAfterEnd
        /// `len` is not what the record type (and its count) requires.
        case badLength(length: UInt32, expected: UInt32)
        /// A record type this version does not define.
        case unknownType(UInt8)
        /// A trace record in a stream without the TRACE flag.
        case traceRecordWithoutTraceFlag
        /// A PTE_SEQ record in a stream whose header lacks the SEQ flag.
        case seqRecordWithoutSeqFlag
        /// A PTE_SEQ whose elements wrap around or include a none entry with raw 0.
        case badSequence(address: UInt64)
        /// An address before the end of the previous leaf-level coverage (section 7).
        case addressBackwards(address: UInt64, previousEnd: UInt64)
        /// An address range outside the header's `[start, end)`.
        case addressOutsideRange(address: UInt64, end: UInt64, rangeStart: UInt64, rangeEnd: UInt64)
        /// An address not aligned to a page (or, for hugetlb, as its page size requires).
        case misaligned(UInt64)
        /// A PTE_RUN or NONE_RUN whose pages cross a PTE table (PMD) boundary.
        case runCrossesTable(address: UInt64, count: Int)
        /// A PTE_RUN or NONE_RUN count of 0 or more than `ptrs` of the pte level.
        case badRunCount(count: Int, maximum: Int)
        /// A HOLE depth outside -1...3, or naming a folded level (which
        /// `real_depth()` never reports).
        case badHoleDepth(Int8)
        /// A HOLE whose count does not match the calls `[addr, end)` splits into.
        case holeCountMismatch(count: Int, calls: Int)
        /// A level out of range for the record (ENTRY 0-3, runs 4).
        case badLevel(UInt8)
        /// An action other than SUBTREE, CONTINUE, AGAIN.
        case badAction(UInt16)
        /// A STOP callback number above 9.
        case badCallback(UInt8)
        /// A VMA backing above 3.
        case badBacking(UInt8)
        /// An info word with an undefined kind.
        case badInfoKind(UInt64)
        /// An ENTRY, HUGETLB or range whose `next` is not above `addr`.
        case emptyRange(address: UInt64, next: UInt64)
        /// An ENTRY whose `next` lies beyond the end of its slot at its level.
        case entryBeyondSlot(address: UInt64, next: UInt64, slotEnd: UInt64)
        /// A HUGETLB `hmask` that is not a huge page mask, or `next` past the page.
        case badHugePage(hmask: UInt64)
        /// END's `stream_bytes` or `records` differs from what was read.
        case endCountMismatch(field: String, recorded: UInt64, actual: UInt64)
        /// The byte source failed.
        case readFailed(String)
    }

    /// The stream offset of the offending record (or of the short read).
    public var offset: UInt64
    /// The record's index in the stream (nil for the header).
    public var recordIndex: Int?
    /// The record's type byte, when it was read.
    public var recordType: UInt8?
    /// What is wrong.
    public var reason: Reason

    /// An error at `offset` in record `recordIndex` of type `recordType`.
    public init(offset: UInt64, recordIndex: Int?, recordType: UInt8?, reason: Reason) {
        self.offset = offset
        self.recordIndex = recordIndex
        self.recordType = recordType
        self.reason = reason
    }

    public var description: String {
        var place = "pgwalk stream: "
        if let recordIndex {
            let name = recordType.flatMap { StreamRecordType(rawValue: $0)?.description }
                ?? recordType.map { "type 0x\(String($0, radix: 16))" } ?? "record"
            place += "record #\(recordIndex) (\(name)) at byte \(offset): "
        } else {
            place += "header at byte \(offset): "
        }
        return place + Self.explain(reason)
    }

    private static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    private static func explain(_ reason: Reason) -> String {
        switch reason {
        case let .badMagic(bytes):
            return "bad magic \(bytes.map { String($0, radix: 16) }.joined(separator: " ")); this is not a pgwalk stream"
        case let .unsupportedVersion(version):
            let reads = StreamHeader.supportedVersion
            let age = version > reads ? "newer" : "older"
            let what = version > reads
                ? "it was written by a newer pgwalk module; read it with that release's pgwalkctl"
                : "it was written by an older pgwalk module; read it with that release's pgwalkctl, or record it anew"
            return "the stream is too \(version > reads ? "new" : "old"): format version \(version) is \(age) than "
                + "the format \(reads) that pgwalkctl \(PgwalkKitVersion.string) reads; \(what)"
        case let .badHeaderLength(length):
            return "header_len \(length) must be a multiple of 8 and at least \(StreamHeader.minimumLength)"
        case let .badGeometry(text):
            return "paging geometry: \(text)"
        case let .badRange(start, end, taskSize):
            return "walked range \(hex(start))-\(hex(end)) is empty, not page aligned or above task_size \(hex(taskSize))"
        case let .truncatedHeader(have, need):
            return "stream ends inside the header (\(have) of \(need) bytes); the file is truncated"
        case let .truncatedRecord(have, need):
            return "stream ends inside a record (\(have) of \(need) bytes); the file is truncated"
        case .missingEnd:
            return "stream ends without an END record; it is truncated (was the read interrupted?)"
        case .dataAfterEnd:
            return "bytes follow the END record; the file holds more than one stream or is corrupt"
        case let .badLength(length, expected):
            return "len \(length) is wrong for this record, expected \(expected)"
        case let .unknownType(type):
            return "unknown record type 0x\(String(type, radix: 16)); the stream is corrupt or from a newer format"
        case .traceRecordWithoutTraceFlag:
            return "trace record in a stream whose header lacks the TRACE flag"
        case .seqRecordWithoutSeqFlag:
            return "PTE_SEQ record in a stream whose header lacks the SEQ flag"
        case let .badSequence(address):
            return "PTE_SEQ at \(hex(address)) wraps around or holds a none entry with raw 0"
        case let .addressBackwards(address, previousEnd):
            return "address \(hex(address)) goes back before \(hex(previousEnd)), the end of the previous record; records are out of walk order"
        case let .addressOutsideRange(address, end, rangeStart, rangeEnd):
            return "range \(hex(address))-\(hex(end)) lies outside the walked range \(hex(rangeStart))-\(hex(rangeEnd))"
        case let .misaligned(address):
            return "address \(hex(address)) is not aligned as required"
        case let .runCrossesTable(address, count):
            return "run of \(count) PTEs at \(hex(address)) crosses a PTE table (PMD) boundary"
        case let .badRunCount(count, maximum):
            return "run count \(count) is not within 1...\(maximum)"
        case let .badHoleDepth(depth):
            return "hole depth \(depth) is not within -1...3 or names a folded level"
        case let .holeCountMismatch(count, calls):
            return "hole says \(count) merged calls but its range splits into \(calls)"
        case let .badLevel(level):
            return "level \(level) is not valid for this record"
        case let .badAction(action):
            return "action \(action) is not SUBTREE (0), CONTINUE (1) or AGAIN (2)"
        case let .badCallback(callback):
            return "callback number \(callback) is not within 0...9"
        case let .badBacking(backing):
            return "VMA backing \(backing) is not within 0...3"
        case let .badInfoKind(info):
            return "info word \(hex(info)) has undefined kind \(info & 0xf)"
        case let .emptyRange(address, next):
            return "range \(hex(address))-\(hex(next)) is empty or inverted"
        case let .entryBeyondSlot(address, next, slotEnd):
            return "entry \(hex(address))-\(hex(next)) runs past the end of its slot at \(hex(slotEnd))"
        case let .badHugePage(hmask):
            return "hugetlb hmask \(hex(hmask)) or its range does not describe one huge page"
        case let .endCountMismatch(field, recorded, actual):
            return "END says \(field) = \(recorded) but \(actual) were read; records were lost or added"
        case let .readFailed(text):
            return "read failed: \(text)"
        }
    }
}
