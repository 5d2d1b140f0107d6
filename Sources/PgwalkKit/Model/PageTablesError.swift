/// A request to ``PageTables`` that cannot describe a real address space.
public struct PageTablesError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong with the change.
    public enum Reason: Hashable, Sendable {
        /// A VMA whose start is not below its end, or not page aligned.
        case badVMABounds(start: UInt64, end: UInt64)
        /// An address that is not aligned as its level requires.
        case misaligned(address: UInt64, alignment: UInt64)
        /// A hugetlb page size that is not a power of two at least a page.
        case badHugePageSize(UInt64)
    }

    /// What was wrong with the change.
    public let reason: Reason

    /// An error of `reason`.
    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case let .badVMABounds(start, end):
            return "invalid VMA 0x\(String(start, radix: 16))-0x\(String(end, radix: 16)): start must be below end and both page aligned"
        case let .misaligned(address, alignment):
            return "address 0x\(String(address, radix: 16)) is not aligned to 0x\(String(alignment, radix: 16))"
        case let .badHugePageSize(size):
            return "huge page size 0x\(String(size, radix: 16)) is not a power of two of at least one page"
        }
    }
}
