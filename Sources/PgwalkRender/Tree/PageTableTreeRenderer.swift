import PgwalkKit

/// The text and JSON (`pgwalk.tree/1`, docs/JSON.md) forms of a
/// ``PageTableTree``, indented by level:
///
///     pgd table  (mm->pgd)  [171-255]  2 present, 0 huge, 0 non-present, 0 none
///       [171] 0x0000000002067067 -> pud table pfn 0x2067  [104-104]  1 present, ...
///         [104] 0x000000000203d067 -> pmd table pfn 0x203d  [195-195]  ...
///           [313-315]  0x0000559a18739000-0x0000559a1873c000   12K pte  present  RW USR ...  pfn 0x7d8d2  raw 0x800000007d8d2867 +0x1000
///
/// `depth` limits the levels whose contents are shown: the tables one level
/// further down still get their one summary line.
package enum PageTableTreeRenderer {
    package static func text(_ tree: PageTableTree, description d: WalkDescription, depth: Int?, to out: TextOutput) {
        out.write("pid \(d.pid) (\(d.source.rawValue)): \(d.geometry.levels)-level paging, kernel \(d.kernelRelease), "
            + "PFNs \(d.pfnVisible ? "shown" : "hidden (needs CAP_SYS_ADMIN)")"
            + (d.geometry.isFolded(.p4d) ? ", p4d folded into the pgd" : "") + "\n")
        out.write("range \(Hex.address(d.start))-\(Hex.address(d.end)); entries counted as present, huge, non-present, none\n")
        out.write("pgd table  (mm->pgd, its frame is not in the stream)" + summary(tree.root) + "\n")
        writeText(tree.root, rank: 1, depth: depth, d: d, to: out)
        if !tree.hugetlb.isEmpty {
            out.write("hugetlb entries  (walk_hugetlb_range() reports no table above them)\n")
            for row in tree.hugetlb {
                out.write("  " + runLine(row, firstIndex: nil, d: d) + "\n")
            }
        }
        out.flush()
    }

    static func summary(_ table: PageTableTree.Table) -> String {
        let c = table.counts
        let range = table.firstIndex.map { "[\($0)-\(table.lastIndex ?? $0)]" } ?? "[none visited]"
        return "  \(range)  \(c.present) present, \(c.huge) huge, \(c.nonPresent) non-present, \(c.none) none"
    }

    static func indexRange(_ first: Int, _ count: UInt64) -> String {
        count == 1 ? "[\(first)]" : "[\(first)-\(first + Int(count) - 1)]"
    }

    static func frame(_ value: UInt64?, _ d: WalkDescription) -> String {
        guard let value else { return "?" }
        return d.pfnVisible ? Hex.short(value) : "hidden"
    }

    static func runLine(_ row: MappingRow, firstIndex: Int?, d: WalkDescription) -> String {
        var line = firstIndex.map { indexRange($0, row.entryCount).padded(to: 10) + " " } ?? ""
        line += "\(Hex.address(row.start))-\(Hex.address(row.end)) " + WalkTableRenderer.rowColumns(row)
        if row.kind != .none || row.raw != 0 {
            line += "  raw " + Hex.address(row.raw)
            if row.entryCount > 1 && row.rawStep != 0 { line += " +" + Hex.short(row.rawStep) }
        }
        return line
    }

    static func writeText(_ table: PageTableTree.Table, rank: Int, depth: Int?, d: WalkDescription, to out: TextOutput) {
        let indent = String(repeating: "  ", count: rank)
        for item in table.items {
            switch item {
            case .table(let p):
                out.write(indent + "[\(p.index)] \(Hex.address(p.raw)) -> \(p.table.level) table pfn "
                    + frame(p.table.frame, d) + summary(p.table) + "\n")
                if depth.map({ rank < $0 }) ?? true {
                    writeText(p.table, rank: rank + 1, depth: depth, d: d, to: out)
                }
            case .run(let row, let first):
                out.write(indent + runLine(row, firstIndex: first, d: d) + "\n")
            }
        }
    }

    package static func json(_ tree: PageTableTree, description d: WalkDescription, depth: Int?, status: Int32,
                            to out: TextOutput) {
        out.write("{\"schema\":\"pgwalk.tree/1\",\"pid\":\(d.pid),\"source\":\"\(d.source.rawValue)\"")
        out.write(",\"kernel_release\":\(JSON.string(d.kernelRelease)),\"paging_levels\":\(d.geometry.levels)")
        out.write(",\"page_size\":\(d.geometry.pageSize),\"pfn_visible\":\(d.pfnVisible)")
        out.write(",\"folded\":\(JSON.array(PageTableLevel.allCases.filter(d.geometry.isFolded).map(\.description)))")
        out.write(",\"start\":\"\(Hex.short(d.start))\",\"end\":\"\(Hex.short(d.end))\",\"root\":")
        writeJSON(tree.root, rank: 0, depth: depth, d: d, to: out)
        out.write(",\"hugetlb\":[" + tree.hugetlb.map { "\n{" + WalkJSONRenderer.rowFields($0) + "}" }.joined(separator: ","))
        out.write("],\"status\":\(status)}\n")
        out.flush()
    }

    static func writeJSON(_ table: PageTableTree.Table, rank: Int, depth: Int?, d: WalkDescription, to out: TextOutput) {
        let c = table.counts
        out.write("\n{\"level\":\"\(table.level)\",\"start\":\"\(Hex.short(table.start))\",\"frame\":"
            + (table.frame.map { String($0) } ?? "null"))
        out.write(",\"first_index\":" + (table.firstIndex.map(String.init) ?? "null")
            + ",\"last_index\":" + (table.lastIndex.map(String.init) ?? "null"))
        out.write(",\"counts\":{\"present\":\(c.present),\"huge\":\(c.huge),\"non_present\":\(c.nonPresent),\"none\":\(c.none)}")
        // The root is rank 0; --depth N shows the contents of ranks 0 ..< N.
        guard depth.map({ rank < $0 }) ?? true else {
            out.write(",\"truncated\":true}")
            return
        }
        out.write(",\"entries\":[")
        var first = true
        for item in table.items {
            if !first { out.write(",") }
            first = false
            switch item {
            case .table(let p):
                out.write("\n{\"index\":\(p.index),\"raw\":\"\(Hex.short(p.raw))\",\"kind\":\"table\"")
                out.write(",\"flags\":\(JSON.array(p.info.flags.names)),\"table\":")
                writeJSON(p.table, rank: rank + 1, depth: depth, d: d, to: out)
                out.write("}")
            case .run(let row, let firstIndex):
                out.write("\n{\"first_index\":\(firstIndex),\"last_index\":\(firstIndex + Int(row.entryCount) - 1),"
                    + WalkJSONRenderer.rowFields(row) + "}")
            }
        }
        out.write("]}")
    }
}
