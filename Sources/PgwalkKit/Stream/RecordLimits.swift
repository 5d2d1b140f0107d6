/// The stream's paging geometry as ``StreamDecoder`` checks every record
/// against it, worked out once from the header. `PagingGeometry` keeps its
/// per-level values in arrays, and reading them per record cost a retain
/// and release of each array on every record.
struct RecordLimits {
    /// `PAGE_SIZE - 1`.
    let pageMask: UInt64
    let pageShift: UInt64
    /// `PTRS_PER_PTE`: the longest run one record may hold.
    let ptesPerTable: Int
    /// Bytes one PTE table maps (`PMD_SIZE`), minus 1: a run stays within it.
    let pteTableSpanMask: UInt64

    init(_ geometry: PagingGeometry) {
        pageMask = geometry.pageSize - 1
        pageShift = UInt64(geometry.pageShift)
        ptesPerTable = geometry.ptrs(.pte)
        pteTableSpanMask = geometry.entrySize(.pmd) &- 1
    }
}
