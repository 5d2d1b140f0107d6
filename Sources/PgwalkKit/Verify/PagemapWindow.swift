/// Verify's pagemap entries of one stretch of address space, a page each,
/// read straight into storage of its own (``PagemapEntrySource/readEntries(in:into:)``).
///
/// The storage grows to the longest stretch read, at most a batch, and is
/// kept: a 1 GiB VMA's reads fill one 512 KiB buffer again and again, not
/// the reader's buffer and then this one (docs/BENCH.md, change 25).
///
/// A non-copyable struct, not a class: as a class it was one more object
/// and type to set up per verify, 2-3 % of a small process's (change 25).
struct PagemapWindow: ~Copyable {
    /// The address of the first entry's page.
    private(set) var start: UInt64 = 0
    /// The entries read, one per page from ``start``; empty until a read
    /// succeeds, and after one fails.
    private(set) var entries = UnsafeBufferPointer<UInt64>(start: nil, count: 0)
    private var storage = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
    private let pageShift: UInt64

    init(pageShift: Int) {
        self.pageShift = UInt64(pageShift)
    }

    deinit { storage.deallocate() }

    /// Whether the entry of `address` has been read.
    func holds(_ address: UInt64) -> Bool {
        address >= start && (address - start) >> pageShift < UInt64(entries.count)
    }

    /// The index in ``entries`` of the entry of `address`, which it holds.
    func index(of address: UInt64) -> Int {
        Int((address - start) >> pageShift)
    }

    /// Reads the entries of the pages that overlap `range` (not empty, at
    /// most `source`'s batch) from `source`, in place of those held.
    mutating func read(_ range: Range<UInt64>, from source: any PagemapEntrySource) throws {
        precondition(!range.isEmpty)
        entries = UnsafeBufferPointer(start: nil, count: 0)
        let firstPage = range.lowerBound >> pageShift
        let count = Int((range.upperBound - 1) >> pageShift - firstPage + 1)
        start = firstPage << pageShift
        storage.grow(toHold: count, startingAt: PagemapReader.initialBufferEntries)
        let target = UnsafeMutableBufferPointer(rebasing: storage[0..<count])
        try source.readEntries(in: start..<start + UInt64(count) << pageShift, into: target)
        entries = UnsafeBufferPointer(target)
    }
}
