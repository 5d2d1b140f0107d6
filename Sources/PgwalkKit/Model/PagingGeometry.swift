/// The shape of a page-table tree: how many bytes one entry maps and how many
/// entries a table has, at each of the five levels.
///
/// It comes from the stream header (FORMAT.md 3.1). A *folded* level has one
/// entry per table and the shift of the level above it: on x86-64 with
/// 4-level paging the p4d is folded into the pgd. The walker uses the
/// geometry exactly as the kernel uses `PGDIR_SHIFT`, `PTRS_PER_P4D` and
/// friends: for `p?d_addr_end()`, for `real_depth()`, and to decide which
/// `p?d_none()` checks can be true.
public struct PagingGeometry: Hashable, Sendable, CustomStringConvertible {
    /// Paging levels in use (4 or 5).
    public let levels: Int
    /// log2 of the page size.
    public let pageShift: Int
    /// Each level's shift and log2(ptrs), a byte each, pgd in the lowest:
    /// packed, not arrays, because the decoder copies the geometry with
    /// every record it checks and an array would cost a retain and a
    /// release per copy.
    private let shiftBytes: UInt64
    private let ptrsLog2Bytes: UInt64

    /// A geometry that is not self-consistent.
    public struct InvalidGeometry: Error, Hashable, Sendable, CustomStringConvertible {
        /// Why the geometry is invalid.
        public let reason: String
        public var description: String { "invalid paging geometry: \(reason)" }
    }

    /// Builds a geometry from the per-level `shift` and `ptrs` of the stream
    /// header, pgd first, and checks that they describe a real tree:
    /// `shift(pte) == pageShift`, every `ptrs` a power of two, and each
    /// level's shift equal to the shift below plus log2 of the ptrs below.
    public init(levels: Int, pageShift: Int, shifts: [Int], ptrs: [Int]) throws(InvalidGeometry) {
        guard levels == 4 || levels == 5 else {
            throw InvalidGeometry(reason: "levels is \(levels), expected 4 or 5")
        }
        guard shifts.count == 5, ptrs.count == 5 else {
            throw InvalidGeometry(reason: "need shift and ptrs for 5 levels")
        }
        guard (10...30).contains(pageShift) else {
            throw InvalidGeometry(reason: "page_shift \(pageShift) is not a plausible page size")
        }
        guard shifts[4] == pageShift else {
            throw InvalidGeometry(reason: "pte shift \(shifts[4]) differs from page_shift \(pageShift)")
        }
        for (index, count) in ptrs.enumerated() {
            guard count >= 1, count <= 1 << 16, count & (count - 1) == 0 else {
                throw InvalidGeometry(reason: "ptrs of \(PageTableLevel(rawValue: index)!) is \(count), not a power of two up to 65536")
            }
        }
        for index in 0..<4 {
            let expected = shifts[index + 1] + ptrs[index + 1].trailingZeroBitCount
            guard shifts[index] == expected else {
                throw InvalidGeometry(reason: "shift of \(PageTableLevel(rawValue: index)!) is \(shifts[index]), expected \(expected) from the level below")
            }
        }
        guard shifts[0] + ptrs[0].trailingZeroBitCount <= 64 else {
            throw InvalidGeometry(reason: "the pgd maps more than 2^64 bytes")
        }
        guard ptrs.filter({ $0 > 1 }).count <= levels else {
            throw InvalidGeometry(reason: "more unfolded levels than the \(levels) paging levels in use")
        }
        self.levels = levels
        self.pageShift = pageShift
        self.shiftBytes = Self.pack(shifts)
        self.ptrsLog2Bytes = Self.pack(ptrs.map(\.trailingZeroBitCount))
    }

    /// x86-64 with 4-level paging: shifts 39, 39, 30, 21, 12; ptrs 512, 1, 512, 512, 512.
    public static let x86_64FourLevel = try! PagingGeometry(
        levels: 4, pageShift: 12, shifts: [39, 39, 30, 21, 12], ptrs: [512, 1, 512, 512, 512])

    /// x86-64 with 5-level paging: shifts 48, 39, 30, 21, 12; 512 entries each.
    public static let x86_64FiveLevel = try! PagingGeometry(
        levels: 5, pageShift: 12, shifts: [48, 39, 30, 21, 12], ptrs: [512, 512, 512, 512, 512])

    /// Bytes per page.
    public var pageSize: UInt64 { 1 << UInt64(pageShift) }

    /// log2 of the bytes one entry at `level` maps (`PGDIR_SHIFT`, `P4D_SHIFT`, ...).
    public func shift(_ level: PageTableLevel) -> Int { Self.unpack(shiftBytes, level) }

    /// Entries per table at `level` (`PTRS_PER_PGD`, ...); 1 when folded.
    public func ptrs(_ level: PageTableLevel) -> Int { 1 << Self.unpack(ptrsLog2Bytes, level) }

    /// Bytes one entry at `level` maps (`PGDIR_SIZE`, ...).
    public func entrySize(_ level: PageTableLevel) -> UInt64 { 1 << UInt64(shift(level)) }

    /// Bytes one whole table at `level` maps (a PTE table maps one PMD entry).
    public func tableSpan(_ level: PageTableLevel) -> UInt64 {
        let bits = shift(level) + Self.unpack(ptrsLog2Bytes, level)
        return bits >= 64 ? 0 : 1 << UInt64(bits)   // 0 stands for 2^64
    }

    /// Whether `level` is folded into the level above (one entry per table).
    /// The pgd is never folded.
    public func isFolded(_ level: PageTableLevel) -> Bool {
        level != .pgd && ptrs(level) == 1
    }

    /// The level whose entry a folded level shares: the nearest level at or
    /// above `level` that is not folded. Page-table sources store entries
    /// only at such levels.
    public func storageLevel(_ level: PageTableLevel) -> PageTableLevel {
        var result = level
        while isFolded(result), let up = result.above { result = up }
        return result
    }

    /// Whether `p?d_none()` can ever be true at `level`: with the level
    /// below folded it is constantly false (`pgd_none()` on 4-level x86),
    /// and the none check happens one level down, on the same entry.
    public func hasNoneCheck(_ level: PageTableLevel) -> Bool {
        guard let below = level.below else { return true }
        return !isFolded(below)
    }

    /// The kernel's `real_depth()`: the depth reported for a none entry found
    /// at `level`, moved up past folded levels (a missing p4d on 4-level x86
    /// is reported at depth 0).
    public func realDepth(_ level: PageTableLevel) -> HoleDepth {
        precondition(level != .pte, "real_depth() is defined for pgd to pmd")
        var depth = level.rawValue
        if depth == 3 && ptrs(.pmd) == 1 { depth = 2 }
        if depth == 2 && ptrs(.pud) == 1 { depth = 1 }
        if depth == 1 && ptrs(.p4d) == 1 { depth = 0 }
        return HoleDepth(rawValue: Int8(depth))!
    }

    /// `p?d_addr_end(addr, end)`: the end of the entry at `level` holding
    /// `addr`, or `end` if that comes first. Like the kernel it compares
    /// `boundary - 1 < end - 1` so a boundary that wraps to 0 is handled.
    public func addrEnd(_ level: PageTableLevel, _ addr: UInt64, _ end: UInt64) -> UInt64 {
        let size = entrySize(level)
        let boundary = (addr &+ size) & ~(size &- 1)
        return boundary &- 1 < end &- 1 ? boundary : end
    }

    /// The start of the entry at `level` holding `addr`.
    public func entryStart(_ level: PageTableLevel, _ addr: UInt64) -> UInt64 {
        addr & ~(entrySize(level) &- 1)
    }

    /// The end of the entry at `level` holding `addr` (0 if it wraps past 2^64).
    public func entryEnd(_ level: PageTableLevel, _ addr: UInt64) -> UInt64 {
        entryStart(level, addr) &+ entrySize(level)
    }

    /// The index of `addr`'s entry in its table at `level` (`pmd_index()`, ...).
    public func index(_ level: PageTableLevel, _ addr: UInt64) -> Int {
        Int((addr >> UInt64(shift(level))) & UInt64(ptrs(level) - 1))
    }

    /// Five values below 256, a byte each, the pgd's in the lowest.
    private static func pack(_ values: [Int]) -> UInt64 {
        values.enumerated().reduce(0) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
    }

    private static func unpack(_ bytes: UInt64, _ level: PageTableLevel) -> Int {
        Int(truncatingIfNeeded: bytes >> UInt64(8 * level.rawValue)) & 0xff
    }

    public var description: String {
        let parts = PageTableLevel.allCases.map { "\($0) \(shift($0))/\(ptrs($0))" }
        return "\(levels)-level, " + parts.joined(separator: ", ")
    }
}
