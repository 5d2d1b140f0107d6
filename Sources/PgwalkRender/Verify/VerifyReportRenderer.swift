import PgwalkKit

/// The text and JSON (`pgwalk.verify/1`, docs/JSON.md) forms of a
/// ``VerifyReport``.
package enum VerifyReportRenderer {
    package static func text(_ r: VerifyReport) -> String {
        let d = r.description
        // A line per VMA: written as bytes (``ByteText``), a process can
        // have tens of thousands.
        var out = ByteText(reservingCapacity: 128 * (r.vmas.count + r.mismatches.count + 4))
        out.append("pid \(d.pid): \(d.geometry.levels)-level paging, kernel \(d.kernelRelease), "
            + "PFNs \(d.pfnVisible ? "compared" : "hidden (needs CAP_SYS_ADMIN): not compared")"
            + (r.frozen ? ", target frozen" : "") + "\n")
        out.append("VMA                                    PERM  PAGES    PRESENT  SWAPPED  MISMATCH  NAME\n")
        for v in r.vmas {
            out.appendAddress(v.vma.start)
            out.append(ascii: "-")
            out.appendAddress(v.vma.end)
            out.append(ascii: " ")
            let flags = v.vma.flags
            out.append(ascii: flags.contains(.read) ? "r" : "-")
            out.append(ascii: flags.contains(.write) ? "w" : "-")
            out.append(ascii: flags.contains(.exec) ? "x" : "-")
            out.append(ascii: flags.contains(.shared) ? "s" : "p")
            out.append("  ")
            out.appendDecimal(v.pages, paddedTo: 8)
            out.append(ascii: " ")
            out.appendDecimal(v.present, paddedTo: 8)
            out.append(ascii: " ")
            out.appendDecimal(v.swapped, paddedTo: 8)
            out.append(ascii: " ")
            let column = out.count
            out.appendDecimal(v.mismatches)
            if v.mismatches != 0 {
                out.append(" (")
                out.appendDecimal(v.persistent)
                out.append(" persistent)")
            }
            out.pad(from: column, to: 9)
            out.append(ascii: " ")
            out.append(v.vma.name.isEmpty ? v.vma.backing.description : v.vma.name)
            if v.vma.flags.contains(.notWalked) { out.append(" (not walked)") }
            out.append(ascii: "\n")
        }
        for m in r.mismatches {
            let fields = m.differences.map { "\($0.field.rawValue): module \($0.module), pagemap \($0.pagemap)" }
                .joined(separator: "; ")
            let kind = m.persistent.map { $0 ? "persistent" : "transient" } ?? "unchecked"
            out.append("mismatch \(Hex.address(m.address)) (\(kind)): \(fields)\n")
        }
        if r.totalMismatches > UInt64(r.mismatches.count) {
            out.append("... and \(r.totalMismatches - UInt64(r.mismatches.count)) more mismatched pages, "
                + "not listed (raise --limit)\n")
        }
        for v in r.vmaDifferences { out.append("vma mismatch: \(v)\n") }
        if r.transientVMADifferences > 0 {
            out.append("\(r.transientVMADifferences) VMA difference(s) transient: the target's mappings changed "
                + "while it was walked (--freeze holds it still)\n")
        }
        let verdict = r.matches
            ? (r.totalMismatches == 0 ? "all pages match" : "all pages match after re-check")
            : "MISMATCH"
        out.append("\(r.pagesChecked) pages checked, \(r.totalMismatches) mismatched "
            + "(\(r.persistentMismatches) persistent, \(r.transientMismatches) transient): \(verdict)\n")
        return out.string
    }

    package static func json(_ r: VerifyReport) -> String {
        let d = r.description
        var s = "{\"schema\":\"pgwalk.verify/1\",\"pid\":\(d.pid),\"kernel_release\":\(JSON.string(d.kernelRelease))"
        s += ",\"paging_levels\":\(d.geometry.levels),\"pfn_visible\":\(d.pfnVisible),\"frozen\":\(r.frozen)"
        s += ",\"kpageflags\":\(r.usedKPageFlags),\"scanned_pages\":\(r.pagesCheckedByScan)"
        s += ",\"start\":\"\(Hex.short(d.start))\",\"end\":\"\(Hex.short(d.end))\""
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
            // Every mismatch is re-checked now; docs/JSON.md keeps the
            // field within version 1 (fields are never removed).
            + ",\"unchecked\":0,\"vma_transient\":\(r.transientVMADifferences)}"
    }
}
