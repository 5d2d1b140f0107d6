/// Where verify reads pagemap entries: the target's /proc/PID/pagemap
/// (``PagemapReader``), or a saved snapshot (``PagemapSnapshot``) when a
/// saved stream is checked without its process (the decoder fuzzer).
public protocol PagemapEntrySource: AnyObject {
    /// The most entries one batch holds.
    var batchCapacity: Int { get }
    /// Calls `body` with the entries of every page that overlaps `range`,
    /// in address order, at most `batchCapacity` at a time.
    func forEachBatch(in range: Range<UInt64>, _ body: (PagemapBatch) throws -> Void) throws
    /// Reads the entries of the pages of `range`, which is page aligned and
    /// `buffer.count` pages long (at most `batchCapacity`), into `buffer`,
    /// first to last; throws as ``forEachBatch(in:_:)`` does.
    func readEntries(in range: Range<UInt64>, into buffer: UnsafeMutableBufferPointer<UInt64>) throws
    /// The address of the first page of `range` that pagemap shows present
    /// or swapped (any PTE that is not none), `range.upperBound` when there
    /// is none; nil when the source cannot tell without reading every entry.
    /// Every page before the one returned is none or a hole, so its entry
    /// holds at most the soft-dirty bit of its VMA.
    func firstPopulatedPage(in range: Range<UInt64>) throws -> UInt64?
}

extension PagemapEntrySource {
    /// The entries copied from ``forEachBatch(in:_:)``'s batches, for a
    /// source with no read of its own into a caller's buffer.
    public func readEntries(in range: Range<UInt64>, into buffer: UnsafeMutableBufferPointer<UInt64>) throws {
        var filled = 0
        try forEachBatch(in: range) { batch in
            precondition(filled + batch.rawEntries.count <= buffer.count, "readEntries: range longer than buffer")
            _ = UnsafeMutableBufferPointer(rebasing: buffer[filled...]).initialize(fromContentsOf: batch.rawEntries)
            filled += batch.rawEntries.count
        }
        precondition(filled == buffer.count, "readEntries: range shorter than buffer")
    }
}

extension PagemapReader: PagemapEntrySource {}
