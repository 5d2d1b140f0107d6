/// Checks the cross-record rules of FORMAT.md section 7 that a single record
/// cannot show: walk order and the walked range.
struct StreamOrderValidator {
    let header: StreamHeader
    /// The end of the previous leaf-level coverage: the `end`/`next` of the
    /// last HOLE, HUGETLB, PTE/NONE run, or pud/pmd ENTRY with CONTINUE.
    private(set) var coveredTo: UInt64

    init(header: StreamHeader) {
        self.header = header
        self.coveredTo = header.start
    }

    /// Checks `[address, end)` is inside the walked range.
    func checkInRange(_ address: UInt64, _ end: UInt64) throws(StreamDecodingError.Reason) {
        guard address < end else { throw .emptyRange(address: address, next: end) }
        guard address >= header.start, end <= header.end else {
            throw .addressOutsideRange(address: address, end: end, rangeStart: header.start, rangeEnd: header.end)
        }
    }

    /// Checks a walk-ordered record starts at or after the previous coverage.
    func checkOrder(_ address: UInt64) throws(StreamDecodingError.Reason) {
        guard address >= coveredTo else { throw .addressBackwards(address: address, previousEnd: coveredTo) }
    }

    mutating func cover(to end: UInt64) { coveredTo = end }
}
