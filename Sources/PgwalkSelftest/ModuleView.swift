import PgwalkKit

/// One walk of a process by the module, decoded and indexed by address: what
/// the scenario assertions look at ("the module's view" of
/// docs/SCENARIOS.md section 3).
package struct ModuleView: Sendable {
    /// What covers one 4 KiB page in the walk.
    package enum Page: Sendable, Equatable {
        /// A `pte_entry` call on a non-none entry (a PTE_RUN element).
        case pte(raw: UInt64, info: EntryInfo)
        /// A `pte_entry` call on a none entry (NONE_RUN).
        case none
        /// A `pte_hole` call at this depth (-1: no VMA).
        case hole(HoleDepth)
        /// A pmd or pud entry that does not lead to a table (a THP, a
        /// non-present huge entry), reported as one ENTRY.
        case leaf(EntryRecord)
        case hugetlb(HugetlbRecord)
        /// Inside a VMA the walker skips (VM_PFNMAP).
        case notWalked(VMA)

        /// The entry kind, NONE for none and holes, nil when not walked.
        package var kind: EntryKind? {
            switch self {
            case .pte(_, let info): return info.kind
            case .none, .hole: return EntryKind.none
            case .leaf(let record): return record.entry.info.kind
            case .hugetlb(let record): return record.info.kind
            case .notWalked: return nil
            }
        }

        package var flags: EntryFlags {
            switch self {
            case .pte(_, let info): return info.flags
            case .leaf(let record): return record.entry.info.flags
            case .hugetlb(let record): return record.info.flags
            case .none, .hole, .notWalked: return []
            }
        }

        package var isPresent: Bool { kind == .present }
        /// NONE_RUN or a HOLE: the page has no entry.
        package var isEmpty: Bool { kind == EntryKind.none }

        /// Where the entry sits: pte, pmd, pud, or hugetlb.
        package var placement: String {
            switch self {
            case .pte, .none: return "pte"
            case .hole(let depth): return "hole depth \(depth)"
            case .leaf(let record): return "\(record.level) leaf"
            case .hugetlb(let record): return "hugetlb-\(ByteSize.short(record.pageSize))"
            case .notWalked: return "not walked"
            }
        }

        package var description: String {
            switch self {
            case .pte(_, let info): return "pte \(info)"
            case .none: return "pte none"
            case .hole(let depth): return "hole depth \(depth)"
            case .leaf(let record): return "\(record.level) \(record.entry.info) action \(record.action)"
            case .hugetlb(let record): return "hugetlb \(ByteSize.short(record.pageSize)) \(record.info)"
            case .notWalked(let vma): return "not walked (\(vma.flags))"
            }
        }
    }

    private struct Segment: Sendable {
        var start: UInt64
        var end: UInt64
        var page: Page
    }

    package let header: StreamHeader
    package let records: [StreamRecord]
    /// Bytes of the whole stream, END included.
    package let streamBytes: UInt64
    /// Seconds the walk took, request to END (0 for synthesised views).
    package let seconds: Double
    package let vmas: [VMA]
    private let segments: [Segment]

    package init(header: StreamHeader, records: [StreamRecord], streamBytes: UInt64 = 0, seconds: Double = 0) {
        self.header = header
        self.records = records
        self.streamBytes = streamBytes
        self.seconds = seconds
        let pageSize = header.geometry.pageSize
        var vmas: [VMA] = []
        var segments: [Segment] = []
        for record in records {
            switch record {
            case .vma(let r):
                vmas.append(r.vma)
                if r.isNotWalked { segments.append(Segment(start: r.vma.start, end: r.vma.end, page: .notWalked(r.vma))) }
            case .pteRun, .pteSeq:
                let r = record.pteRun!
                for (i, e) in r.entries.enumerated() {
                    let at = r.addr + UInt64(i) * pageSize
                    segments.append(Segment(start: at, end: at + pageSize, page: .pte(raw: e.raw, info: e.info)))
                }
            case .noneRun(let r):
                segments.append(Segment(start: r.addr, end: r.end(pageSize: pageSize), page: .none))
            case .hole(let r):
                segments.append(Segment(start: r.addr, end: r.end, page: .hole(r.depth)))
            case .entry(let r) where r.level >= .pud && r.action != .subtree && !r.entry.isNone:
                segments.append(Segment(start: r.addr, end: r.next, page: .leaf(r)))
            case .hugetlb(let r):
                segments.append(Segment(start: r.addr, end: r.next, page: .hugetlb(r)))
            default:
                break
            }
        }
        self.vmas = vmas
        self.segments = segments.sorted { $0.start < $1.start }
    }

    package var levels: Int { header.geometry.levels }
    package var pfnVisible: Bool { header.flags.contains(.pfnVisible) }
    package var recordCount: Int { records.count }

    /// What covers the page at `address`; nil when the walk said nothing
    /// about it (outside the walked range).
    package func page(at address: UInt64) -> Page? {
        var lo = 0, hi = segments.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if segments[mid].start <= address { lo = mid + 1 } else { hi = mid }
        }
        var i = lo - 1
        // Segments do not overlap except a NOT_WALKED VMA's span; look back a little.
        while i >= 0 && i >= lo - 2 {
            if segments[i].start <= address && address < segments[i].end { return segments[i].page }
            i -= 1
        }
        return nil
    }

    /// The PFN mapped at `address`: a present PTE's payload, or a huge leaf's
    /// payload plus the page's index in it.
    package func pfn(at address: UInt64) -> UInt64? {
        guard let page = page(at: address), page.isPresent else { return nil }
        let shift = UInt64(header.geometry.pageShift)
        switch page {
        case .pte(_, let info): return info.payload
        case .leaf(let r): return r.entry.info.payload + ((address - r.addr) >> shift)
        case .hugetlb(let r): return r.info.payload + ((address - (address & r.hmask)) >> shift)
        default: return nil
        }
    }

    package func vma(containing address: UInt64) -> VMA? { vmas.first { $0.contains(address) } }

    /// The VMAs that overlap `[start, end)`.
    package func vmas(overlapping start: UInt64, _ end: UInt64) -> [VMA] {
        vmas.filter { $0.start < end && $0.end > start }
    }

    /// The entry records (ENTRY, PTE_RUN, NONE_RUN, HOLE, HUGETLB) whose
    /// range overlaps `[start, end)`, in stream order.
    package func entryRecords(overlapping start: UInt64, _ end: UInt64) -> [StreamRecord] {
        let pageSize = header.geometry.pageSize
        return records.filter { record in
            let range: (UInt64, UInt64)
            switch record {
            case .entry(let r): range = (r.addr, r.next)
            case .pteRun(let r): range = (r.addr, r.end(pageSize: pageSize))
            case .pteSeq(let r): range = (r.addr, r.end(pageSize: pageSize))
            case .noneRun(let r): range = (r.addr, r.end(pageSize: pageSize))
            case .hole(let r): range = (r.addr, r.end)
            case .hugetlb(let r): range = (r.addr, r.next)
            default: return false
            }
            return range.0 < end && range.1 > start
        }
    }
}
