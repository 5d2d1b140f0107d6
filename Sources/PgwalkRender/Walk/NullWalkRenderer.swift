import PgwalkKit

/// A renderer that drops everything but counts what it was given: the null
/// sink of `pgwalkctl walk --format none`, for benchmarks and smoke tests.
package final class NullWalkRenderer: WalkRenderer {
    // Unchecked: a class's stored properties are otherwise checked for
    // exclusive access at run time on every `+=`, which cost more than the
    // rest of `row` (two checks per row: 10% of a sparse walk's client work).
    // Nothing here hands out an inout reference to them.
    @exclusivity(unchecked) package private(set) var vmas = 0
    @exclusivity(unchecked) package private(set) var rows = 0
    @exclusivity(unchecked) package private(set) var pages: UInt64 = 0
    package private(set) var status: Int32 = 0

    package init() {}

    package func begin(_ description: WalkDescription) {}
    package func vma(_ vma: VMA) { vmas += 1 }
    package func row(_ row: MappingRow) {
        rows += 1
        pages += row.pageCount
    }
    package func end(status: Int32) { self.status = status }
}
