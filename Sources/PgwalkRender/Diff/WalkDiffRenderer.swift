import PgwalkKit

/// The text and JSON (`pgwalk.diff/1`, docs/JSON.md) forms of a
/// ``WalkDiff``.
package enum WalkDiffRenderer {
    /// One line per changed VMA with its pages by change, then one per run
    /// of pages changed alike: at most `runsPerVMA` of them (0: all).
    package static func text(_ diff: WalkDiff, runsPerVMA: Int = 0) -> String {
        let a = diff.before
        let b = diff.after
        var lines: [String] = []
        lines.append("pid \(b.pid): \(a.source.rawValue) walk -> \(b.source.rawValue) walk, \(b.geometry.levels)-level paging, "
            + "kernel \(b.kernelRelease), frames "
            + (diff.framesCompared ? "compared" : "not compared (PFNs hidden: needs CAP_SYS_ADMIN)"))
        if a.pid != b.pid { lines.append("note: the walks are of different pids (\(a.pid) and \(b.pid))") }
        if diff.vmas.isEmpty {
            lines.append("no changes")
            return lines.joined(separator: "\n") + "\n"
        }
        for v in diff.vmas {
            let vma = v.vma
            var line = "\(Hex.address(vma.start))-\(Hex.address(vma.end)) \(vma.permissions) \(vma.backing)"
            if !vma.name.isEmpty { line += " " + vma.name }
            switch v.status {
            case .unchanged: break
            case .added: line += "  (added)"
            case .removed: line += "  (removed)"
            case .changed:
                if let was = v.before {
                    line += "  (was \(Hex.address(was.start))-\(Hex.address(was.end)) \(was.permissions)"
                        + (was.name == vma.name ? "" : " \(was.name)") + ")"
                }
            }
            if !v.pages.isEmpty { line += "  " + counts(v.pages) }
            lines.append(line)
            let shown = runsPerVMA > 0 ? Array(v.runs.prefix(runsPerVMA)) : v.runs
            for run in shown { lines.append(runLine(run)) }
            if shown.count < v.runs.count {
                lines.append("  ... \(v.runs.count - shown.count) more runs (--all shows them)")
            }
        }
        lines.append("total: " + (diff.totals.isEmpty ? "no pages changed" : counts(diff.totals)))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `mapped 16, thp-split 512`, in the order of ``PageChange``.
    static func counts(_ pages: [PageChange: UInt64]) -> String {
        PageChange.allCases.compactMap { change in pages[change].map { "\(change) \($0)" } }
            .joined(separator: ", ")
    }

    static func runLine(_ run: ChangeRun) -> String {
        let size = ByteSize.short(run.end - run.start).leftPadded(to: 5)
        var line = "  \(Hex.address(run.start))-\(Hex.address(run.end)) \(size) " + run.change.rawValue.padded(to: 14)
        line += " " + side(run.before) + " -> " + side(run.after)
        let delta = run.flagsSet.names.map { "+" + $0 } + run.flagsCleared.names.map { "-" + $0 }
        if !delta.isEmpty { line += "  " + delta.joined(separator: " ") }
        return line
    }

    /// `pte present pfn 0x1234`, `pmd present`, `-` for no entry at all.
    static func side(_ row: MappingRow?) -> String {
        guard let row else { return "-" }
        if row.kind == .none { return "\(row.placement) none" }
        var text = "\(row.placement) \(row.kind)"
        switch row.payloadField {
        case .pfn(let pfn): text += " pfn " + Hex.short(pfn)
        case .swap(let type, let offset): text += " swap \(type):" + Hex.short(offset)
        case .marker(let bits): text += " marker " + Hex.short(bits)
        case .none: break
        }
        return text
    }

    package static func json(_ diff: WalkDiff) -> String {
        let a = diff.before
        let b = diff.after
        var s = "{\"schema\":\"pgwalk.diff/1\",\"pid\":\(b.pid),\"kernel_release\":\(JSON.string(b.kernelRelease))"
        s += ",\"paging_levels\":\(b.geometry.levels),\"page_size\":\(b.geometry.pageSize)"
        s += ",\"frames_compared\":\(diff.framesCompared)"
        s += ",\"before\":\(walk(a)),\"after\":\(walk(b))"
        s += ",\"totals\":\(countsObject(diff.totals, all: true)),\"vmas\":["
        s += diff.vmas.map { v in
            let vma = v.vma
            var t = "\n{\"start\":\"\(Hex.short(vma.start))\",\"end\":\"\(Hex.short(vma.end))\""
            t += ",\"perms\":\"\(vma.permissions)\",\"backing\":\"\(vma.backing)\",\"name\":\(JSON.string(vma.name))"
            t += ",\"status\":\"\(v.status.rawValue)\""
            if let was = v.before, v.status == .changed {
                t += ",\"was\":{\"start\":\"\(Hex.short(was.start))\",\"end\":\"\(Hex.short(was.end))\""
                t += ",\"perms\":\"\(was.permissions)\",\"name\":\(JSON.string(was.name))}"
            }
            t += ",\"pages\":\(countsObject(v.pages, all: false)),\"runs\":["
            t += v.runs.map(runJSON).joined(separator: ",")
            return t + "]}"
        }.joined(separator: ",")
        return s + "\n]}\n"
    }

    static func walk(_ d: WalkDescription) -> String {
        "{\"pid\":\(d.pid),\"source\":\"\(d.source.rawValue)\",\"pfn_visible\":\(d.pfnVisible)"
            + ",\"start\":\"\(Hex.short(d.start))\",\"end\":\"\(Hex.short(d.end))\"}"
    }

    static func countsObject(_ pages: [PageChange: UInt64], all: Bool) -> String {
        let fields = PageChange.allCases.compactMap { change -> String? in
            guard let count = pages[change] ?? (all ? 0 : nil) else { return nil }
            return "\"\(change.rawValue)\":\(count)"
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func runJSON(_ run: ChangeRun) -> String {
        var t = "\n {\"start\":\"\(Hex.short(run.start))\",\"end\":\"\(Hex.short(run.end))\""
        t += ",\"pages\":\(run.pageCount()),\"change\":\"\(run.change.rawValue)\""
        t += ",\"frame_changed\":\(run.change.changesFrame)"
        t += ",\"before\":\(sideJSON(run.before)),\"after\":\(sideJSON(run.after))"
        t += ",\"flags_set\":\(JSON.array(run.flagsSet.names)),\"flags_cleared\":\(JSON.array(run.flagsCleared.names))}"
        return t
    }

    static func sideJSON(_ row: MappingRow?) -> String {
        guard let row else { return "null" }
        var t = "{\"level\":\"\(row.placement)\",\"kind\":\"\(row.kind)\",\"flags\":\(JSON.array(row.flags.names))"
        switch row.payloadField {
        case .pfn(let pfn): t += ",\"pfn\":\(pfn)"
        case .swap(let type, let offset): t += ",\"swap_type\":\(type),\"swap_offset\":\(offset)"
        case .marker(let bits): t += ",\"marker\":\(bits)"
        case .none: break
        }
        return t + "}"
    }
}
