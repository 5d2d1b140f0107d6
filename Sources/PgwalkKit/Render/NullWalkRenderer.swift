/// A renderer that drops everything but counts what it was given: the null
/// sink of `pgwalkctl walk --format none`, for benchmarks and smoke tests.
public final class NullWalkRenderer: WalkRenderer {
    public private(set) var vmas = 0
    public private(set) var rows = 0
    public private(set) var pages: UInt64 = 0
    public private(set) var status: Int32 = 0

    public init() {}

    public func begin(_ description: WalkDescription) {}
    public func vma(_ vma: VMA) { vmas += 1 }
    public func row(_ row: MappingRow) {
        rows += 1
        pages += row.pageCount
    }
    public func end(status: Int32) { self.status = status }
}
