import PgwalkKit

/// The text and JSON (`pgwalk.verify/1`, docs/JSON.md) forms of a
/// ``VerifyReport``.
public enum VerifyReportRenderer {
    public static func text(_ r: VerifyReport) -> String {
        let d = r.description
        var lines: [String] = []
        lines.append("pid \(d.pid): \(d.geometry.levels)-level paging, kernel \(d.kernelRelease), "
            + "PFNs \(d.pfnVisible ? "compared" : "hidden (needs CAP_SYS_ADMIN): not compared")"
            + (r.frozen ? ", target frozen" : ""))
        lines.append("VMA                                    PERM  PAGES    PRESENT  SWAPPED  MISMATCH  NAME")
        for v in r.vmas {
            let range = "\(Hex.address(v.vma.start))-\(Hex.address(v.vma.end))"
            let mismatch = v.mismatches == 0 ? "0" : "\(v.mismatches) (\(v.persistent) persistent)"
            var name = v.vma.name.isEmpty ? v.vma.backing.description : v.vma.name
            if v.vma.flags.contains(.notWalked) { name += " (not walked)" }
            lines.append(range + " " + v.vma.permissions + "  " + String(v.pages).padded(to: 8)
                + " " + String(v.present).padded(to: 8) + " " + String(v.swapped).padded(to: 8)
                + " " + mismatch.padded(to: 9) + " " + name)
        }
        for m in r.mismatches {
            let fields = m.differences.map { "\($0.field.rawValue): module \($0.module), pagemap \($0.pagemap)" }
                .joined(separator: "; ")
            let kind = m.persistent.map { $0 ? "persistent" : "transient" } ?? "unchecked"
            lines.append("mismatch \(Hex.address(m.address)) (\(kind)): \(fields)")
        }
        if r.uncheckedMismatches > 0 {
            lines.append("... and \(r.uncheckedMismatches) more mismatched pages, not re-checked (raise --limit)")
        }
        for v in r.vmaDifferences { lines.append("vma mismatch: \(v)") }
        let verdict = r.matches
            ? (r.totalMismatches == 0 ? "all pages match" : "all pages match after re-check")
            : "MISMATCH"
        lines.append("\(r.pagesChecked) pages checked, \(r.totalMismatches) mismatched "
            + "(\(r.persistentMismatches) persistent, \(r.transientMismatches) transient): \(verdict)")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ r: VerifyReport) -> String {
        let d = r.description
        var s = "{\"schema\":\"pgwalk.verify/1\",\"pid\":\(d.pid),\"kernel_release\":\(JSON.string(d.kernelRelease))"
        s += ",\"paging_levels\":\(d.geometry.levels),\"pfn_visible\":\(d.pfnVisible),\"frozen\":\(r.frozen)"
        s += ",\"kpageflags\":\(r.usedKPageFlags),\"start\":\"\(Hex.short(d.start))\",\"end\":\"\(Hex.short(d.end))\""
        s += ",\"vmas\":["
        s += r.vmas.map { v in
            "{\"start\":\"\(Hex.short(v.vma.start))\",\"end\":\"\(Hex.short(v.vma.end))\",\"perms\":\"\(v.vma.permissions)\""
                + ",\"name\":\(JSON.string(v.vma.name)),\"backing\":\"\(v.vma.backing)\""
                + ",\"walked\":\(!v.vma.flags.contains(.notWalked)),\"pages\":\(v.pages),\"present\":\(v.present)"
                + ",\"swapped\":\(v.swapped),\"mismatches\":\(v.mismatches),\"persistent\":\(v.persistent)}"
        }.joined(separator: ",")
        s += "],\"mismatches\":" + mismatchesJSON(r)
        s += ",\"vma_differences\":\(JSON.array(r.vmaDifferences))"
        s += ",\"summary\":" + summaryJSON(r) + ",\"result\":\"\(r.matches ? "match" : "mismatch")\"}\n"
        return s
    }

    /// The `mismatches` array of `pgwalk.verify/1` (and of `verify --all`'s
    /// entries).
    static func mismatchesJSON(_ r: VerifyReport) -> String {
        "[" + r.mismatches.map { m in
            let diffs = m.differences.map {
                "{\"field\":\"\($0.field.rawValue)\",\"module\":\(JSON.string($0.module)),\"pagemap\":\(JSON.string($0.pagemap))}"
            }.joined(separator: ",")
            let persistent = m.persistent.map { String($0) } ?? "null"
            return "{\"address\":\"\(Hex.short(m.address))\",\"persistent\":\(persistent),\"differences\":[\(diffs)]}"
        }.joined(separator: ",") + "]"
    }

    /// The `summary` object of `pgwalk.verify/1` (and of `verify --all`'s
    /// entries).
    static func summaryJSON(_ r: VerifyReport) -> String {
        "{\"pages\":\(r.pagesChecked),\"mismatches\":\(r.totalMismatches)"
            + ",\"persistent\":\(r.persistentMismatches),\"transient\":\(r.transientMismatches)"
            + ",\"unchecked\":\(r.uncheckedMismatches)}"
    }
}
