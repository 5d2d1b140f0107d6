/// Rebuilds the walked address space, as ``PageTables``, from a stream.
///
/// Each record is an observation of part of the tables: VMA records give the
/// VMAs, ENTRY records the pgd..pmd entries, PTE_RUN/NONE_RUN the PTEs,
/// HUGETLB the hugetlb entries, HOLE records empty slots. Trace or not, the
/// result is the same; entries repeated when a walk resumes merge, and when a
/// slot is observed twice the later observation wins. What was not walked is
/// absent (reads as none).
///
/// Two things the stream does not carry are inferred: a hugetlb VMA's page
/// size comes from its HUGETLB records (a VMA without any is taken to use
/// PMD-sized pages); and a VMA that only a TEST_WALK record shows (its
/// `pre_vma` stopped on a full buffer and the stream then ended) is added
/// with the range `test_walk` saw, marked `VM_PFNMAP` when it was skipped.
public struct StreamPageTables: Sendable {
    /// The stream's header.
    public let header: StreamHeader
    /// The tables rebuilt so far.
    public private(set) var pageTables: PageTables
    /// The END record, once applied.
    public private(set) var end: EndRecord?

    /// Empty tables for the stream of `header`; ``apply(_:)`` its records.
    public init(header: StreamHeader) {
        self.header = header
        self.pageTables = PageTables(geometry: header.geometry)
    }

    /// Decodes a whole stream from `source` and builds its tables.
    public static func build<Source: ByteSource>(from source: Source) throws -> StreamPageTables {
        var decoder = try StreamDecoder(source: source)
        var tables = StreamPageTables(header: decoder.header)
        while let record = try decoder.nextRecord() {
            try tables.apply(record)
        }
        return tables
    }

    /// Applies one record, in stream order.
    public mutating func apply(_ record: StreamRecord) throws(PageTablesError) {
        let geometry = header.geometry
        switch record {
        case .vma(let record):
            var vma = record.vma
            if let same = pageTables.findVMA(vma.start), same.start == vma.start, same.end == vma.end {
                vma.hugePageSize = same.hugePageSize
            }
            try pageTables.setVMA(vma)
        case .entry(let record):
            pageTables.setEntry(record.entry, at: record.addr)
        case .pteRun, .pteSeq:
            let run = record.pteRun!
            pageTables.setPTEs(startingAt: run.addr, run.entries.map { ($0.raw, $0.info) })
        case .noneRun(let record):
            pageTables.clearPTEs(startingAt: record.addr, count: record.count)
        case .hole(let record):
            if let level = record.depth.level {
                for call in record.calls(geometry: geometry) {
                    pageTables.clearEntry(at: level, address: call.addr)
                }
            } else if let vma = pageTables.findVMA(record.addr), vma.contains(record.addr), vma.isHugetlb,
                      let size = vma.hugePageSize {
                pageTables.removeHugetlbEntry(at: record.addr & ~(size - 1))
            }
        case .hugetlb(let record):
            pageTables.noteHugePageSize(record.pageSize, at: record.addr)
            pageTables.setHugetlbEntry(raw: record.raw, info: record.info, at: record.addr & record.hmask)
        case .testWalk(let record):
            if pageTables.findVMA(record.addr).map({ !$0.contains(record.addr) }) ?? true {
                try pageTables.setVMA(VMA(start: record.addr, end: record.next,
                                          flags: record.result == 1 ? [.pfnMap] : []))
            }
        case .end(let record):
            end = record
        case .walkBegin, .walkEnd, .postVMA, .stop:
            break
        }
    }
}
