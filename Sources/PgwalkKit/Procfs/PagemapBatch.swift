/// A run of consecutive pagemap entries, starting at `startAddress`, as
/// handed to the callbacks of `PagemapReader`.
///
/// It borrows the reader's buffer: it is valid only inside the callback that
/// receives it. Copy what you need (`Array(batch)`, or single entries).
public struct PagemapBatch: RandomAccessCollection {
    /// Virtual address of the first entry.
    public let startAddress: UInt64
    /// The page size the batch is indexed by.
    public let pageSize: UInt64
    /// The raw 64-bit values, one per page, exactly as read.
    public let rawEntries: UnsafeBufferPointer<UInt64>

    init(startAddress: UInt64, pageSize: UInt64, rawEntries: UnsafeBufferPointer<UInt64>) {
        self.startAddress = startAddress
        self.pageSize = pageSize
        self.rawEntries = rawEntries
    }

    /// The first entry's index: 0.
    public var startIndex: Int { 0 }
    /// One past the last entry's index: the number of pages.
    public var endIndex: Int { rawEntries.count }
    /// The pagemap entry of page `position` of the batch.
    public subscript(position: Int) -> PagemapEntry { PagemapEntry(rawValue: rawEntries[position]) }

    /// The virtual address of the page at `index`.
    public func address(at index: Int) -> UInt64 { startAddress + UInt64(index) * pageSize }

    /// The virtual addresses this batch covers.
    public var addresses: Range<UInt64> { startAddress..<(startAddress + UInt64(count) * pageSize) }

    /// Entries `range` of this batch as a batch of their own.
    public func slice(_ range: Range<Int>) -> PagemapBatch {
        PagemapBatch(
            startAddress: address(at: range.lowerBound), pageSize: pageSize,
            rawEntries: UnsafeBufferPointer(rebasing: rawEntries[range]))
    }

    /// Calls `body` for each maximal run of populated (present or swapped)
    /// entries.
    func forEachPopulatedRun(_ body: (PagemapBatch) throws -> Void) rethrows {
        var index = 0
        let populated = PagemapEntry.presentBit | PagemapEntry.swappedBit
        while index < rawEntries.count {
            while index < rawEntries.count && rawEntries[index] & populated == 0 { index += 1 }
            let first = index
            while index < rawEntries.count && rawEntries[index] & populated != 0 { index += 1 }
            if index > first { try body(slice(first..<index)) }
        }
    }
}
