import PgwalkKit

/// `pgwalkctl walk --format csv`: one line per row, with a header line.
/// Columns: vma_start, vma_end, start, end, pages, level, kind, flags
/// (joined by `|`), pfn, swap_type, swap_offset. Empty where not applicable.
package final class WalkCSVRenderer: WalkRenderer {
    private let out: TextOutput
    private var current: VMA?

    package init(output: TextOutput) {
        self.out = output
    }

    package func begin(_ d: WalkDescription) {
        out.write("vma_start,vma_end,start,end,pages,level,kind,flags,pfn,swap_type,swap_offset\n")
    }

    package func vma(_ vma: VMA) {
        current = vma
    }

    package func row(_ row: MappingRow) {
        let vmaStart = current.map { Hex.short($0.start) } ?? ""
        let vmaEnd = current.map { Hex.short($0.end) } ?? ""
        var pfn = "", swapType = "", swapOffset = ""
        switch row.payloadField {
        case .pfn(let value): pfn = String(value)
        case .swap(let type, let offset): swapType = String(type); swapOffset = String(offset)
        case .marker, .none: break
        }
        out.write("\(vmaStart),\(vmaEnd),\(Hex.short(row.start)),\(Hex.short(row.end)),\(row.pageCount),"
            + "\(row.placement),\(row.kind),\(row.flags.names.joined(separator: "|")),\(pfn),\(swapType),\(swapOffset)\n")
    }

    package func end(status: Int32) {
        out.flush()
    }
}
