import PgwalkKit

/// `pgwalkctl walk --format json`: the schema `pgwalk.walk/1` of
/// docs/JSON.md, written as the walk goes so that memory stays bounded.
///
/// Addresses are strings ("0x..."): JSON numbers lose precision above 2^53.
/// PFNs, swap offsets and counts are numbers.
package final class WalkJSONRenderer: WalkRenderer {
    private let out: TextOutput
    private var openVMA = false
    private var firstVMA = true
    private var firstRow = true

    package init(output: TextOutput) {
        self.out = output
    }

    package func begin(_ d: WalkDescription) {
        out.write("{\"schema\":\"pgwalk.walk/1\",\"pid\":\(d.pid),\"source\":\"\(d.source.rawValue)\"")
        out.write(",\"kernel_release\":\(JSON.string(d.kernelRelease)),\"paging_levels\":\(d.geometry.levels)")
        out.write(",\"page_size\":\(d.geometry.pageSize),\"pfn_visible\":\(d.pfnVisible)")
        out.write(",\"start\":\"\(Hex.short(d.start))\",\"end\":\"\(Hex.short(d.end))\",\"vmas\":[")
    }

    package func vma(_ vma: VMA) {
        closeVMA()
        if !firstVMA { out.write(",") }
        firstVMA = false
        out.write("\n{\"start\":\"\(Hex.short(vma.start))\",\"end\":\"\(Hex.short(vma.end))\"")
        out.write(",\"perms\":\"\(vma.permissions)\",\"backing\":\"\(vma.backing)\",\"name\":\(JSON.string(vma.name))")
        out.write(",\"flags\":\(JSON.array(vma.flags.names)),\"walked\":\(!vma.flags.contains(.notWalked)),\"rows\":[")
        openVMA = true
        firstRow = true
    }

    package func row(_ row: MappingRow) {
        guard openVMA else { return }
        if !firstRow { out.write(",") }
        firstRow = false
        let text = "\n{" + Self.rowFields(row)
        out.write(text + "}")
    }

    /// A row's members, without braces.
    static func rowFields(_ row: MappingRow) -> String {
        var text = "\"start\":\"\(Hex.short(row.start))\",\"end\":\"\(Hex.short(row.end))\",\"pages\":\(row.pageCount)"
        text += ",\"level\":\"\(row.placement)\",\"kind\":\"\(row.kind)\",\"flags\":\(JSON.array(row.flags.names))"
        switch row.payloadField {
        case .pfn(let pfn): text += ",\"pfn\":\(pfn)"
        case .swap(let type, let offset): text += ",\"swap_type\":\(type),\"swap_offset\":\(offset)"
        case .marker(let bits): text += ",\"marker\":\(bits)"
        case .none: break
        }
        return text + ",\"entries\":\(row.entryCount),\"raw\":\"\(Hex.short(row.raw))\",\"raw_step\":\"\(Hex.short(row.rawStep))\""
    }

    package func end(status: Int32) {
        closeVMA()
        out.write("\n],\"status\":\(status)}\n")
        out.flush()
    }

    private func closeVMA() {
        if openVMA { out.write("]}") }
        openVMA = false
    }
}

extension VMAFlags {
    var names: [String] {
        let table: [(VMAFlags, String)] = [
            (.read, "read"), (.write, "write"), (.exec, "exec"), (.shared, "shared"), (.growsDown, "growsdown"),
            (.pfnMap, "pfnmap"), (.io, "io"), (.locked, "locked"), (.hugetlb, "hugetlb"), (.softDirty, "softdirty"),
            (.uffdMissing, "uffd-missing"), (.uffdWP, "uffd-wp"), (.hugePage, "hugepage"),
            (.noHugePage, "nohugepage"), (.mergeable, "mergeable"), (.mixedMap, "mixedmap"),
            (.dontDump, "dontdump"), (.notWalked, "not-walked"), (.droppable, "droppable"), (.sealed, "sealed"),
        ]
        return table.compactMap { contains($0.0) ? $0.1 : nil }
    }
}
