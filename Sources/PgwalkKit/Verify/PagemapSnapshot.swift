/// A pagemap held in memory: the entries of some pages, every other page
/// none (0). It stands in for /proc/PID/pagemap when verify's checks run
/// on a saved stream with no process behind it.
public final class PagemapSnapshot: PagemapEntrySource {
    /// The page size the entries are indexed by.
    public let pageSize: UInt64
    /// How many entries one batch holds at most.
    public let batchCapacity: Int
    /// Entry per page number (address / pageSize).
    private let entries: [UInt64: UInt64]
    private let buffer: UnsafeMutableBufferPointer<UInt64>

    /// A pagemap holding `entries` (raw pagemap values by page number), none
    /// elsewhere, read in batches of at most `batchCapacity` pages.
    public init(entries: [UInt64: UInt64], pageSize: UInt64 = 4096, batchCapacity: Int = 512) {
        precondition(batchCapacity > 0 && pageSize > 0)
        self.entries = entries
        self.pageSize = pageSize
        self.batchCapacity = batchCapacity
        self.buffer = .allocate(capacity: batchCapacity)
    }

    deinit { buffer.deallocate() }

    /// Calls `body` with the entries of `range`, a batch at a time, in order.
    public func forEachBatch(in range: Range<UInt64>, _ body: (PagemapBatch) throws -> Void) throws {
        guard !range.isEmpty else { return }
        var page = range.lowerBound / pageSize
        let endPage = (range.upperBound - 1) / pageSize + 1
        while page < endPage {
            let count = Int(min(UInt64(batchCapacity), endPage - page))
            for i in 0..<count { buffer[i] = entries[page + UInt64(i)] ?? 0 }
            try body(PagemapBatch(startAddress: page * pageSize, pageSize: pageSize,
                                  rawEntries: UnsafeBufferPointer(rebasing: buffer[0..<count])))
            page += UInt64(count)
        }
    }

    /// nil: a snapshot answers by its entries, read like any other pages.
    public func firstPopulatedPage(in range: Range<UInt64>) throws -> UInt64? { nil }
}
