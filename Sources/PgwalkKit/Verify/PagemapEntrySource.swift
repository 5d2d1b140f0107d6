/// Where verify reads pagemap entries: the target's /proc/PID/pagemap
/// (``PagemapReader``), or a saved snapshot (``PagemapSnapshot``) when a
/// saved stream is checked without its process (the decoder fuzzer).
public protocol PagemapEntrySource: AnyObject {
    /// The most entries one batch holds.
    var batchCapacity: Int { get }
    /// Calls `body` with the entries of every page that overlaps `range`,
    /// in address order, at most `batchCapacity` at a time.
    func forEachBatch(in range: Range<UInt64>, _ body: (PagemapBatch) throws -> Void) throws
}

extension PagemapReader: PagemapEntrySource {}
