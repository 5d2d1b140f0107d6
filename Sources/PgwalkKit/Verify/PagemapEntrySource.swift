/// Where verify reads pagemap entries: the target's /proc/PID/pagemap
/// (``PagemapReader``), or a saved snapshot (``PagemapSnapshot``) when a
/// saved stream is checked without its process (the decoder fuzzer).
public protocol PagemapEntrySource: AnyObject {
    /// The most entries one batch holds.
    var batchCapacity: Int { get }
    /// Calls `body` with the entries of every page that overlaps `range`,
    /// in address order, at most `batchCapacity` at a time.
    func forEachBatch(in range: Range<UInt64>, _ body: (PagemapBatch) throws -> Void) throws
    /// The address of the first page of `range` that pagemap shows present
    /// or swapped (any PTE that is not none), `range.upperBound` when there
    /// is none; nil when the source cannot tell without reading every entry.
    /// Every page before the one returned is none or a hole, so its entry
    /// holds at most the soft-dirty bit of its VMA.
    func firstPopulatedPage(in range: Range<UInt64>) throws -> UInt64?
}

extension PagemapReader: PagemapEntrySource {}
