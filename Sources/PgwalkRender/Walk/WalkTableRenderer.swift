import PgwalkKit

/// The readable form of `pgwalkctl walk`, after the kernel's ptdump: one
/// line per VMA, then one per run of pages mapped alike.
///
///     0x00007f1c2e000000-0x00007f1c2e200000 rw-p anon
///       0x00007f1c2e000000-0x00007f1c2e200000    2M pmd  present  RW USR ACC DRT NX  pfn 0x10a00
package final class WalkTableRenderer: WalkRenderer {
    private let out: TextOutput
    private var pageShift = 12

    package init(output: TextOutput) {
        self.out = output
    }

    package func begin(_ d: WalkDescription) {
        pageShift = d.geometry.pageShift
        out.write("pid \(d.pid) (\(d.source.rawValue)): \(d.geometry.levels)-level paging, kernel \(d.kernelRelease), "
            + "PFNs \(d.pfnVisible ? "shown" : "hidden (needs CAP_SYS_ADMIN)")\n")
        out.write("range \(Hex.address(d.start))-\(Hex.address(d.end))\n")
    }

    package func vma(_ vma: VMA) {
        var line = "\(Hex.address(vma.start))-\(Hex.address(vma.end)) \(vma.permissions) \(vma.backing)"
        if !vma.name.isEmpty { line += " " + vma.name }
        if vma.flags.contains(.notWalked) { line += "  (not walked: VM_PFNMAP)" }
        if let tags = Self.vmaTags(vma.flags) { line += "  [\(tags)]" }
        out.write(line + "\n")
    }

    package func row(_ row: MappingRow) {
        out.write("  \(Hex.address(row.start))-\(Hex.address(row.end)) " + Self.rowColumns(row) + "\n")
    }

    /// Size, level, kind, flags and payload of a row, in columns.
    static func rowColumns(_ row: MappingRow) -> String {
        var line = ByteSize.short(row.end - row.start).leftPadded(to: 5) + " "
        line += row.placement.description.padded(to: 12) + " " + row.kind.description.padded(to: 9)
        // A none entry maps nothing: no flags, not even "ro".
        line += (row.kind == .none ? "" : Self.flagLetters(row.flags)).padded(to: 28)
        switch row.payloadField {
        case .pfn(let pfn): line += " pfn " + Hex.short(pfn)
        case .swap(let type, let offset): line += " swap \(type):" + Hex.short(offset)
        case .marker(let bits): line += " marker " + Hex.short(bits)
        case .none: break
        }
        return line.trimmingTrailingSpaces()
    }

    package func end(status: Int32) {
        if status != 0 {
            out.write("walk ended early: \(LinuxErrno.name(Int64(status)))\(status == LinuxErrno.noSuchProcess ? " (the target exited)" : "")\n")
        }
        out.flush()
    }

    /// The VMA flags the perms and the backing do not already say and that
    /// change what its pages may do (nil when none is set): sealed VMAs
    /// cannot be changed, droppable ones lose their pages under pressure.
    static func vmaTags(_ flags: VMAFlags) -> String? {
        let tags: [(VMAFlags, String)] = [(.sealed, "sealed"), (.droppable, "droppable")]
        let set = tags.filter { flags.contains($0.0) }.map(\.1)
        return set.isEmpty ? nil : set.joined(separator: " ")
    }

    /// ptdump-style flag columns.
    static func flagLetters(_ flags: EntryFlags) -> String {
        var parts: [String] = []
        parts.append(flags.contains(.write) ? "RW" : "ro")
        if flags.contains(.user) { parts.append("USR") }
        if flags.contains(.accessed) { parts.append("ACC") }
        if flags.contains(.dirty) { parts.append("DRT") }
        if flags.contains(.noExec) { parts.append("NX") }
        if flags.contains(.global) { parts.append("GLB") }
        if flags.contains(.softDirty) { parts.append("SD") }
        if flags.contains(.uffdWP) { parts.append("UWP") }
        if flags.contains(.protNone) { parts.append("PROTNONE") }
        if flags.contains(.special) { parts.append("SPC") }
        if flags.contains(.zeroPage) { parts.append("ZERO") }
        if flags.contains(.devmap) { parts.append("DEVMAP") }
        if flags.contains(.exclusive) { parts.append("EXCL") }
        return parts.joined(separator: " ")
    }
}
