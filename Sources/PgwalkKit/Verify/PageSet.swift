/// A set of page addresses, every one kept whatever their number: one bit
/// per page, in blocks of 512 pages (one 2 MiB slot of 4 KiB pages, 64
/// bytes) kept in address order. Verify collects every mismatched page in
/// one, so that all of them are re-checked, not only the first `--limit`
/// it lists (docs/VERIFY.md): a THP that khugepaged collapses between the
/// walk and the pagemap read is 512 mismatches at once.
struct PageSet: Equatable {
    private static let pagesPerBlock: UInt64 = 512
    private static let wordsPerBlock = Int(pagesPerBlock / 64)

    /// log2 of the page size.
    let pageShift: Int
    /// The first page number of each block, ascending.
    private var blockStarts: [UInt64] = []
    /// `wordsPerBlock` words per block, in the order of `blockStarts`.
    private var words: [UInt64] = []
    /// Pages in the set.
    private(set) var count: UInt64 = 0

    /// An empty set of pages of `1 << pageShift` bytes.
    init(pageShift: Int) {
        self.pageShift = pageShift
    }

    var isEmpty: Bool { count == 0 }

    /// Adds the page at `address`. In address order (as a pass checks
    /// pages) this appends; out of order it inserts.
    mutating func insert(_ address: UInt64) {
        let page = address >> UInt64(pageShift)
        let start = page - page % Self.pagesPerBlock
        let block: Int
        if let last = blockStarts.last, last == start {
            block = blockStarts.count - 1
        } else if blockStarts.last.map({ $0 < start }) ?? true {
            blockStarts.append(start)
            words.append(contentsOf: repeatElement(0, count: Self.wordsPerBlock))
            block = blockStarts.count - 1
        } else {
            let at = firstBlock(notBelow: start)
            if at == blockStarts.count || blockStarts[at] != start {
                blockStarts.insert(start, at: at)
                words.insert(contentsOf: repeatElement(0, count: Self.wordsPerBlock), at: at * Self.wordsPerBlock)
            }
            block = at
        }
        let bit = page - start
        let word = block * Self.wordsPerBlock + Int(bit / 64)
        let mask = UInt64(1) << (bit % 64)
        if words[word] & mask == 0 {
            words[word] |= mask
            count += 1
        }
    }

    /// Whether the page at `address` is in the set.
    func contains(_ address: UInt64) -> Bool {
        let page = address >> UInt64(pageShift)
        let start = page - page % Self.pagesPerBlock
        let at = firstBlock(notBelow: start)
        guard at < blockStarts.count, blockStarts[at] == start else { return false }
        let bit = page - start
        return words[at * Self.wordsPerBlock + Int(bit / 64)] & (UInt64(1) << (bit % 64)) != 0
    }

    /// The pages in both sets.
    func intersection(_ other: PageSet) -> PageSet {
        precondition(pageShift == other.pageShift)
        var result = PageSet(pageShift: pageShift)
        var i = 0, j = 0
        while i < blockStarts.count, j < other.blockStarts.count {
            if blockStarts[i] < other.blockStarts[j] {
                i += 1
            } else if blockStarts[i] > other.blockStarts[j] {
                j += 1
            } else {
                var block = [UInt64](repeating: 0, count: Self.wordsPerBlock)
                var pages: UInt64 = 0
                for w in 0..<Self.wordsPerBlock {
                    block[w] = words[i * Self.wordsPerBlock + w] & other.words[j * Self.wordsPerBlock + w]
                    pages += UInt64(block[w].nonzeroBitCount)
                }
                if pages > 0 {
                    result.blockStarts.append(blockStarts[i])
                    result.words.append(contentsOf: block)
                    result.count += pages
                }
                i += 1
                j += 1
            }
        }
        return result
    }

    /// Adds the pages of `other`.
    mutating func formUnion(_ other: PageSet) {
        precondition(pageShift == other.pageShift)
        var starts: [UInt64] = [], merged: [UInt64] = []
        starts.reserveCapacity(max(blockStarts.count, other.blockStarts.count))
        merged.reserveCapacity(max(words.count, other.words.count))
        var i = 0, j = 0
        while i < blockStarts.count || j < other.blockStarts.count {
            let mine = i < blockStarts.count ? blockStarts[i] : UInt64.max
            let theirs = j < other.blockStarts.count ? other.blockStarts[j] : UInt64.max
            starts.append(min(mine, theirs))
            for w in 0..<Self.wordsPerBlock {
                merged.append((mine <= theirs ? words[i * Self.wordsPerBlock + w] : 0)
                    | (theirs <= mine ? other.words[j * Self.wordsPerBlock + w] : 0))
            }
            if mine <= theirs { i += 1 }
            if theirs <= mine { j += 1 }
        }
        blockStarts = starts
        words = merged
        count = merged.reduce(0) { $0 + UInt64($1.nonzeroBitCount) }
    }

    /// Pages of the set inside `range` (byte addresses).
    func count(in range: Range<UInt64>) -> UInt64 {
        var pages: UInt64 = 0
        forEachWord(in: range) { word, mask in pages += UInt64((words[word] & mask).nonzeroBitCount) }
        return pages
    }

    /// Takes the pages inside `range` (byte addresses) out of the set.
    mutating func remove(in range: Range<UInt64>) {
        var removed: UInt64 = 0
        let touched = forEachWord(in: range) { word, mask in
            removed += UInt64((words[word] & mask).nonzeroBitCount)
            words[word] &= ~mask
        }
        guard removed > 0 else { return }
        count -= removed
        // Blocks left empty go, so that equal sets compare equal.
        for block in touched.reversed() {
            let first = block * Self.wordsPerBlock
            if words[first..<first + Self.wordsPerBlock].allSatisfy({ $0 == 0 }) {
                blockStarts.remove(at: block)
                words.removeSubrange(first..<first + Self.wordsPerBlock)
            }
        }
    }

    /// Calls `body` with the index of each word holding pages of `range`
    /// (byte addresses; a partial page counts) and the mask of its bits
    /// inside the range; returns the blocks those words are in.
    @discardableResult
    private func forEachWord(in range: Range<UInt64>, _ body: (Int, UInt64) -> Void) -> Range<Int> {
        guard !range.isEmpty else { return 0..<0 }
        let first = range.lowerBound >> UInt64(pageShift)
        // The first page at or past the range's end (a partial page counts).
        let end = (range.upperBound - 1) >> UInt64(pageShift) + 1
        let firstTouched = firstBlock(notBelow: first - first % Self.pagesPerBlock)
        var at = firstTouched
        while at < blockStarts.count, blockStarts[at] < end {
            for w in 0..<Self.wordsPerBlock {
                var mask = ~UInt64(0)
                let wordFirst = blockStarts[at] + UInt64(w) * 64
                if wordFirst < first { mask &= first - wordFirst >= 64 ? 0 : ~0 << (first - wordFirst) }
                if wordFirst + 64 > end { mask &= end <= wordFirst ? 0 : ~0 >> (wordFirst + 64 - end) }
                body(at * Self.wordsPerBlock + w, mask)
            }
            at += 1
        }
        return firstTouched..<at
    }

    /// The set as byte ranges of consecutive pages, in address order, at
    /// most `limit` of them: past that, neighbouring runs are joined (the
    /// gaps between them, which are not in the set, become part of a range).
    /// Re-checking one range is one walk, so this bounds the walks.
    func ranges(limit: Int) -> [Range<UInt64>] {
        precondition(limit > 0)
        var runs: [Range<UInt64>] = []
        for (at, start) in blockStarts.enumerated() {
            for w in 0..<Self.wordsPerBlock {
                var word = words[at * Self.wordsPerBlock + w]
                while word != 0 {
                    let low = UInt64(word.trailingZeroBitCount)
                    let length = UInt64((~(word >> low)).trailingZeroBitCount)
                    let page = start + UInt64(w) * 64 + low
                    let lower = page << UInt64(pageShift), upper = (page + length) << UInt64(pageShift)
                    if let last = runs.last, last.upperBound == lower {
                        runs[runs.count - 1] = last.lowerBound..<upper
                    } else {
                        runs.append(lower..<upper)
                    }
                    word = length == 64 ? 0 : word & ~(((UInt64(1) << length) - 1) << low)
                }
            }
        }
        guard runs.count > limit else { return runs }
        let perRange = (runs.count + limit - 1) / limit
        return stride(from: 0, to: runs.count, by: perRange).map { first in
            runs[first].lowerBound..<runs[min(first + perRange, runs.count) - 1].upperBound
        }
    }

    /// The index of the first block starting at or after page `start`.
    private func firstBlock(notBelow start: UInt64) -> Int {
        var lo = 0, hi = blockStarts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if blockStarts[mid] < start { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
