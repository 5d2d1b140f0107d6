@testable import PgwalkKit

/// Builders for synthesised streams, shared by the stream, walker and
/// conformance tests. Values here are inputs, never expected outputs.
enum StreamFixture {
    static func header(
        geometry: PagingGeometry = .x86_64FourLevel, trace: Bool = true,
        start: UInt64 = 0x40_0000, end: UInt64 = 0x70_0000
    ) -> StreamHeader {
        StreamHeader(flags: trace ? [.trace, .pfnVisible] : [.pfnVisible], pid: 4242, geometry: geometry,
                     kernelVersion: 6 << 16 | 1 << 8 | 192, start: start, end: end,
                     taskSize: 0x7fff_ffff_f000, bufferSize: 262_144, release: "6.1.0-56-amd64")
    }

    static let tableInfo = EntryInfo(kind: .present, flags: [.write, .user, .accessed])

    static func table(_ level: PageTableLevel, raw: UInt64) -> PageTableEntry {
        PageTableEntry(level: level, raw: raw, info: EntryInfo(kind: .present, flags: [.write, .user, .accessed], payload: raw >> 12))
    }

    static func leaf(_ level: PageTableLevel, pfn: UInt64) -> PageTableEntry {
        PageTableEntry(level: level, raw: pfn << 12 | 0x867,
                       info: EntryInfo(kind: .present, flags: [.leaf, .write, .user, .accessed, .dirty], payload: pfn))
    }

    static func vma(_ start: UInt64, _ end: UInt64, _ flags: VMAFlags = [.read, .write], name: String = "") -> StreamRecord {
        .vma(VMARecord(vma: VMA(start: start, end: end, flags: flags, backing: name.isEmpty ? .anonymous : .file, name: name)))
    }

    static func entry(_ entry: PageTableEntry, _ addr: UInt64, _ next: UInt64, _ action: WalkAction) -> StreamRecord {
        .entry(EntryRecord(entry: entry, addr: addr, next: next, action: action))
    }

    /// Encodes `records` after `header`, followed by a correct END.
    static func stream(_ header: StreamHeader, _ records: [StreamRecord], status: Int32 = 0, chunks: UInt32 = 1) -> [UInt8] {
        var encoder = StreamEncoder(header: header)
        encoder.append(contentsOf: records)
        encoder.appendEnd(status: status, chunks: chunks)
        return encoder.bytes
    }
}

/// A byte source whose reads fail, to check error wrapping.
struct FailingByteSource: ByteSource {
    struct Failure: Error, CustomStringConvertible { var description: String { "injected EIO" } }
    var bytes: [UInt8]
    var failAfter: Int
    var position = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if position >= failAfter { throw Failure() }
        let count = min(buffer.count, failAfter - position)
        for index in 0..<count { buffer[index] = bytes[position + index] }
        position += count
        return count
    }
}
