import PgwalkKit

/// Assertions about where mappings are and how the walker treats them:
/// mremap's move, the kernel's special mappings, VM_PFNMAP.
enum MappingAssertions {
    static func mremapMove(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "mremap-move"
        let moved = try s.region("moved")
        for i in 0..<moved.pageCount {
            try s.expectPTE(moved, i)
            if s.pfnVisible, let before = e.layout.pfns["moved"]?[i] {
                let pfn = try s.pfn(moved, i)
                if pfn != before {
                    throw s.failure(moved, i, expected: "the PFN it had before the move, \(Hex.short(before))",
                                    shows: "PFN \(Hex.short(pfn))")
                }
            }
        }
        let old = try s.region("old")
        let vmas = e.view.vmas(overlapping: old.start, old.end)
        guard vmas.isEmpty else {
            throw s.fail("old (\(Hex.short(old.start))): expected no VMA record, module shows \(vmas[0])")
        }
        for i in 0..<old.pageCount {
            let page = try s.page(old, i)
            guard page == .hole(.noVMA) else {
                throw s.failure(old, i, expected: "a HOLE of depth -1 (no VMA)", shows: page.description)
            }
        }
        return nil
    }

    /// The VMA must be skipped (NOT_WALKED) with no entry record inside.
    static func expectNotWalked(_ s: ScenarioInspector, _ vma: VMA, needs: VMAFlags) throws(AssertionFailure) {
        guard vma.flags.isSuperset(of: needs.union(.notWalked)) else {
            throw s.fail("the VMA \(vma): expected \(needs.union(.notWalked))")
        }
        let region = ScenarioLayout.Region(name: "", start: vma.start, end: vma.end, perms: "")
        let inside = try s.records(in: region)
        guard inside.isEmpty else {
            throw s.fail("the skipped VMA \(Hex.short(vma.start)) must have no entry records, module shows \(ScenarioInspector.describe(inside))")
        }
    }

    /// [vvar] as its smaps VmFlags say (the scenario's fact): VM_PFNMAP
    /// on 6.1 and 6.12, skipped; VM_MIXEDMAP on 7.3 (the generic vDSO data
    /// store's pages, with struct pages), walked like any other VMA.
    static func expectVvar(_ s: ScenarioInspector, _ vma: VMA, smaps: String?) throws(AssertionFailure) {
        switch smaps {
        case "mixedmap", "other":
            let needs: VMAFlags = smaps == "mixedmap" ? [.mixedMap] : []
            guard vma.flags.isSuperset(of: needs), vma.flags.isDisjoint(with: [.pfnMap, .notWalked]) else {
                throw s.fail("the VMA \(vma): smaps says \(smaps ?? ""), expected it walked\(needs.isEmpty ? "" : " with \(needs)"), without PFNMAP and NOT_WALKED")
            }
        default:
            try expectNotWalked(s, vma, needs: [.pfnMap])
        }
    }

    static func special(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "special"
        let missing = Set(e.layout.facts.filter { $0.key == "missing" }.flatMap(\.value))
        for name in ["heap", "stack", "vdso", "vvar"] where !missing.contains("[\(name)]") {
            guard let r = e.layout.region(name) else { continue }
            let vma = try s.vma(of: r)
            guard vma.backing == .special, vma.name == "[\(name)]" else {
                throw s.fail("\(name): expected a VMA record of backing 2 named [\(name)], module shows \(vma.backing) '\(vma.name)'")
            }
            if name == "vvar" { try expectVvar(s, vma, smaps: e.layout.fact("vvar")) }
            for i in e.layout.pages(name, with: ["written"]) { try s.expectPresent(r, i) }
        }
        return missing.isEmpty ? nil : "missing here: \(missing.sorted().joined(separator: " "))"
    }

    static func pfnmap(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "pfnmap"
        let r = try s.region("pfnmap")
        try expectNotWalked(s, try s.vma(of: r), needs: [.pfnMap])
        return e.layout.fact("source").map { "source: \($0)" }
    }
}
