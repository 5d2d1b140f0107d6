/// Writes pgwalk streams: the inverse of ``StreamDecoder``.
///
/// Used to synthesise streams (and, by patching ``bytes``, corrupt variants)
/// in tests, and to save a snapshot in the module's own format. It encodes
/// what it is given without checking it, so it can also produce the invalid
/// streams a decoder must reject.
public struct StreamEncoder: Sendable {
    /// The header the stream starts with.
    public let header: StreamHeader
    /// The stream so far.
    public private(set) var bytes: [UInt8]
    /// Records appended so far.
    public private(set) var recordCount = 0

    /// An encoder of a stream with `header`.
    public init(header: StreamHeader) {
        self.header = header
        self.bytes = Self.encode(header)
    }

    /// Appends one record.
    public mutating func append(_ record: StreamRecord) {
        bytes += Self.encode(record)
        recordCount += 1
    }

    /// Appends records in order.
    public mutating func append(contentsOf records: some Sequence<StreamRecord>) {
        for record in records { append(record) }
    }

    /// Appends the END record with counts matching what was written.
    /// - Parameter walkedTo: defaults to the header's `end`.
    public mutating func appendEnd(status: Int32 = 0, chunks: UInt32 = 1, walkedTo: UInt64? = nil) {
        append(.end(EndRecord(status: status, chunks: chunks, walkedTo: walkedTo ?? header.end,
                              streamBytes: UInt64(bytes.count), records: UInt64(recordCount))))
    }

    /// Appends arbitrary bytes (not counted as a record).
    public mutating func appendRaw(_ raw: [UInt8]) {
        bytes += raw
    }

    /// The header's bytes: `headerLength` long, fields beyond version 1's
    /// zero-filled.
    public static func encode(_ header: StreamHeader) -> [UInt8] {
        var out = LittleEndianWriter()
        out.raw(StreamHeader.magic)
        out.u16(header.version)
        out.u16(header.headerLength)
        out.u32(header.flags.rawValue)
        out.u32(header.pid)
        out.u32(UInt32(header.geometry.pageShift))
        out.u32(UInt32(header.geometry.levels))
        out.u32(header.kernelVersion)
        out.u64(header.start)
        out.u64(header.end)
        out.u64(header.taskSize)
        for level in PageTableLevel.allCases {
            out.u32(UInt32(header.geometry.shift(level)))
            out.u32(UInt32(header.geometry.ptrs(level)))
        }
        out.u32(header.bufferSize)
        out.u32(0)
        var release = Array(header.release.utf8.prefix(55))
        release += [UInt8](repeating: 0, count: 56 - release.count)
        out.raw(release)
        while out.bytes.count < Int(header.headerLength) { out.u8(0) }
        return out.bytes
    }

    /// One record's bytes.
    public static func encode(_ record: StreamRecord) -> [UInt8] {
        var out = LittleEndianWriter()
        func head(_ type: StreamRecordType, _ arg8: UInt8, _ arg16: UInt16, _ length: Int) {
            out.u8(type.rawValue)
            out.u8(arg8)
            out.u16(arg16)
            out.u32(UInt32(length))
        }
        switch record {
        case .vma(let record):
            let name = record.nameBytes
            head(.vma, record.vma.backing.rawValue, UInt16(truncatingIfNeeded: name.count),
                 VMARecord.Layout.size + (name.count + 7) / 8 * 8)
            out.u64(record.vma.start)
            out.u64(record.vma.end)
            out.u64(record.vma.rawVMFlags)
            out.u64(record.vma.pageOffset)
            out.u64(record.vma.inode)
            out.u32(record.vma.device)
            out.u32(record.vma.flags.rawValue)
            out.raw(name)
            out.pad(to: 8)
        case .entry(let record):
            head(.entry, UInt8(record.level.rawValue), record.action.rawValue, EntryRecord.Layout.size)
            out.u64(record.addr)
            out.u64(record.next)
            out.u64(record.entry.raw)
            out.u64(record.entry.info.rawValue)
        case .pteRun(let record):
            head(.pteRun, 4, UInt16(truncatingIfNeeded: record.entries.count),
                 PTERunRecord.Layout.size + PTERunRecord.Layout.Element.size * record.entries.count)
            out.u64(record.addr)
            for entry in record.entries {
                out.u64(entry.raw)
                out.u64(entry.info.rawValue)
            }
        case .pteSeq(let record):
            head(.pteSeq, 4, UInt16(truncatingIfNeeded: record.count), PTESeqRecord.Layout.size)
            out.u64(record.addr)
            out.u64(record.first.raw)
            out.u64(record.first.info.rawValue)
            out.u64(record.rawStep)
            out.u64(record.infoStep)
        case .noneRun(let record):
            head(.noneRun, 4, UInt16(truncatingIfNeeded: record.count), NoneRunRecord.Layout.size)
            out.u64(record.addr)
        case .hole(let record):
            head(.hole, UInt8(bitPattern: record.depth.rawValue), UInt16(truncatingIfNeeded: record.count), HoleRecord.Layout.size)
            out.u64(record.addr)
            out.u64(record.end)
        case .hugetlb(let record):
            head(.hugetlb, 0, 0, HugetlbRecord.Layout.size)
            out.u64(record.addr)
            out.u64(record.next)
            out.u64(record.hmask)
            out.u64(record.raw)
            out.u64(record.info.rawValue)
        case .end(let record):
            head(.end, 0, 0, EndRecord.Layout.size)
            out.s32(record.status)
            out.u32(record.chunks)
            out.u64(record.walkedTo)
            out.u64(record.streamBytes)
            out.u64(record.records)
        case .walkBegin(let record):
            head(.walkBegin, 0, 0, WalkBeginRecord.Layout.size)
            out.u64(record.start)
            out.u64(record.end)
        case .walkEnd(let record):
            head(.walkEnd, 0, 0, WalkEndRecord.Layout.size)
            out.s64(record.result)
        case .testWalk(let record):
            head(.testWalk, 0, 0, TestWalkRecord.Layout.size)
            out.u64(record.addr)
            out.u64(record.next)
            out.s64(record.result)
        case .postVMA(let record):
            head(.postVMA, 0, 0, PostVMARecord.Layout.size)
            out.u64(record.vmStart)
            out.u64(record.vmEnd)
        case .stop(let record):
            head(.stop, record.callback.rawValue, 0, StopRecord.Layout.size)
            out.u64(record.addr)
        }
        return out.bytes
    }
}
