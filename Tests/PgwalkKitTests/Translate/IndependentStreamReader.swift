import Foundation

/// A second, deliberately separate reader of docs/FORMAT.md, written from
/// the document alone (it shares no code with the Stream/ decoder), so that
/// tests can check what `translate` and `walk --tree` report against the
/// raw values the stream itself carries.
///
/// It knows only what those tests need: the header's levels and flags, and
/// every entry-carrying record (ENTRY 0x03, PTE_RUN 0x04, NONE_RUN 0x05,
/// HOLE 0x06, HUGETLB 0x07, PTE_SEQ 0x08) with the range it covers.
struct IndependentStreamReader {
    struct Observation {
        /// 0 pgd .. 4 pte; 5 for hugetlb.
        var level: Int
        var addr: UInt64
        var next: UInt64
        var raw: UInt64
        var info: UInt64
    }

    var levels = 0
    var pfnVisible = false
    var observations: [Observation] = []
    var holes: [(addr: UInt64, end: UInt64, depth: Int8)] = []

    init(contentsOf url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        func u16(_ at: Int) -> UInt64 { UInt64(bytes[at]) | UInt64(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt64 { u16(at) | u16(at + 2) << 16 }
        func u64(_ at: Int) -> UInt64 { u32(at) | u32(at + 4) << 32 }
        precondition(Array(bytes[0..<6]) == Array("PGWALK".utf8), "not a pgwalk stream")
        let headerLength = Int(u16(10))
        pfnVisible = u32(12) & 2 != 0
        levels = Int(u32(24))
        var at = headerLength
        while at < bytes.count {
            let type = bytes[at]
            let arg8 = bytes[at + 1]
            let count = Int(u16(at + 2))
            let length = Int(u32(at + 4))
            let page: UInt64 = 4096
            switch type {
            case 0x03:
                observations.append(Observation(level: Int(arg8), addr: u64(at + 8), next: u64(at + 16),
                                                raw: u64(at + 24), info: u64(at + 32)))
            case 0x04:
                let addr = u64(at + 8)
                for i in 0..<count {
                    let a = addr + UInt64(i) * page
                    observations.append(Observation(level: 4, addr: a, next: a + page,
                                                    raw: u64(at + 16 + 16 * i), info: u64(at + 24 + 16 * i)))
                }
            case 0x05:
                let addr = u64(at + 8)
                for i in 0..<count {
                    let a = addr + UInt64(i) * page
                    observations.append(Observation(level: 4, addr: a, next: a + page, raw: 0, info: 0))
                }
            case 0x06:
                holes.append((u64(at + 8), u64(at + 16), Int8(bitPattern: arg8)))
            case 0x07:
                observations.append(Observation(level: 5, addr: u64(at + 8), next: u64(at + 16),
                                                raw: u64(at + 32), info: u64(at + 40)))
            case 0x08:
                let addr = u64(at + 8)
                for i in 0..<UInt64(count) {
                    let a = addr + i * page
                    observations.append(Observation(level: 4, addr: a, next: a + page,
                                                    raw: u64(at + 16) &+ i &* u64(at + 32),
                                                    info: u64(at + 24) &+ i &* u64(at + 40)))
                }
            default:
                break
            }
            at += length
        }
    }

    /// The raw value of the first record of `level` that covers part of
    /// the slot `[start, start + size)` (a walk may enter a slot mid-way).
    func raw(at level: Int, slot start: UInt64, size: UInt64) -> UInt64? {
        observations.first { $0.level == level && $0.addr < start &+ size && $0.next > start }?.raw
    }

    /// The raw value the last record of `level` covering `address` carries.
    func raw(at level: Int, covering address: UInt64) -> UInt64? {
        observations.last { $0.level == level && $0.addr <= address && address < $0.next }?.raw
    }
}
