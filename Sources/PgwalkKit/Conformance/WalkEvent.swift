/// One callback call (or `walk_page_range()` boundary) of a walk, in a form
/// both a kernel trace and a Swift walk can be reduced to and compared.
///
/// A call that returned "stop" is ``stop(callback:addr:)`` instead of its
/// normal event, as the module records it.
public enum WalkEvent: Hashable, Sendable, CustomStringConvertible {
    /// `walk_page_range(start, end)` is called.
    case walkBegin(start: UInt64, end: UInt64)
    /// ... and returned `result`.
    case walkEnd(result: Int64)
    /// `test_walk(start, end)` returned `result`.
    case testWalk(start: UInt64, end: UInt64, result: Int64)
    /// `pre_vma` for the VMA `[vmStart, vmEnd)`.
    case preVMA(vmStart: UInt64, vmEnd: UInt64)
    /// `post_vma` for the VMA `[vmStart, vmEnd)`.
    case postVMA(vmStart: UInt64, vmEnd: UInt64)
    /// `pgd_entry` ... `pmd_entry`, with the action set on return.
    case entry(level: PageTableLevel, addr: UInt64, next: UInt64, raw: UInt64, info: EntryInfo, action: WalkAction)
    /// `pte_entry(addr, addr + PAGE_SIZE)`.
    case pte(addr: UInt64, raw: UInt64, info: EntryInfo)
    /// `pte_hole(addr, next, depth)`.
    case hole(addr: UInt64, next: UInt64, depth: HoleDepth)
    /// `hugetlb_entry(hmask, addr, next)`.
    case hugetlb(addr: UInt64, next: UInt64, hmask: UInt64, raw: UInt64, info: EntryInfo)
    /// `callback` at `addr` returned "stop".
    case stop(callback: WalkCallback, addr: UInt64)

    private static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    public var description: String {
        let hex = Self.hex
        switch self {
        case let .walkBegin(start, end): return "walk_page_range(\(hex(start)), \(hex(end)))"
        case let .walkEnd(result): return "walk_page_range returned \(LinuxErrno.name(result))"
        case let .testWalk(start, end, result): return "test_walk(\(hex(start)), \(hex(end))) = \(LinuxErrno.name(result))"
        case let .preVMA(start, end): return "pre_vma [\(hex(start)), \(hex(end)))"
        case let .postVMA(start, end): return "post_vma [\(hex(start)), \(hex(end)))"
        case let .entry(level, addr, next, raw, info, action):
            return "\(WalkCallback.entry(at: level))(\(hex(addr)), \(hex(next))) raw=\(hex(raw)) [\(info)] -> \(action)"
        case let .pte(addr, raw, info): return "pte_entry(\(hex(addr))) raw=\(hex(raw)) [\(info)]"
        case let .hole(addr, next, depth): return "pte_hole(\(hex(addr)), \(hex(next)), depth \(depth))"
        case let .hugetlb(addr, next, hmask, raw, info):
            return "hugetlb_entry(hmask \(hex(hmask)), \(hex(addr)), \(hex(next))) raw=\(hex(raw)) [\(info)]"
        case let .stop(callback, addr): return "\(callback) at \(hex(addr)) stopped (buffer full)"
        }
    }
}
