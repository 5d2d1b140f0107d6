/// A ``PageWalkOps`` that takes a stream's compressed PTE records in one
/// step when ``StreamCallbackDriver`` replays them.
///
/// The walker model never calls these: they exist because a stream carries
/// runs of PTEs (NONE_RUN, PTE_SEQ) that the kernel made one `pte_entry`
/// call each for, and an ops that builds rows or a tree can take a whole run
/// at once. The defaults make exactly the `pte_entry` calls the run stands
/// for, so conforming changes speed, never the result. Any plain
/// ``PageWalkOps`` can be replayed too (``StreamCallbackDriver`` then makes
/// the calls one by one).
public protocol StreamReplayOps: PageWalkOps {
    /// `count` `pte_entry` calls on none PTEs (raw 0) from `addr`, one page
    /// apart, as a stream's NONE_RUN carries them. Returns the first nonzero
    /// result, as the calls would stop there.
    mutating func pteNoneRun(addr: UInt64, count: Int, walk: inout WalkContext) -> Int32
    /// `sequence.count` `pte_entry` calls on the entries of a stream's
    /// PTE_SEQ, from `sequence.addr`, one page apart. Returns the first
    /// nonzero result, as the calls would stop there.
    mutating func pteSequence(_ sequence: PTESeqRecord, walk: inout WalkContext) -> Int32
}

/// The defaults: one ``PageWalkOps/pteEntry(_:addr:next:walk:)`` call per
/// page of the run, stopping at the first nonzero result.
extension StreamReplayOps {
    public mutating func pteSequence(_ sequence: PTESeqRecord, walk: inout WalkContext) -> Int32 {
        let pageSize = walk.geometry.pageSize
        return sequence.forEachEntry(pageSize: pageSize) { pteEntry($0, addr: $1, next: $1 &+ pageSize, walk: &walk) }
    }

    public mutating func pteNoneRun(addr: UInt64, count: Int, walk: inout WalkContext) -> Int32 {
        let pageSize = walk.geometry.pageSize
        let none = PageTableEntry.none(.pte)
        var addr = addr
        for _ in 0..<count {
            let result = pteEntry(none, addr: addr, next: addr &+ pageSize, walk: &walk)
            if result != 0 { return result }
            addr &+= pageSize
        }
        return 0
    }
}
