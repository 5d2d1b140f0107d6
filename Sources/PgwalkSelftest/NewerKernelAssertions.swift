import PgwalkKit

/// Assertions of the scenarios on what kernels after 6.1 added to the page
/// tables and VMAs: guard markers (MADV_GUARD_INSTALL, 6.13), droppable
/// mappings (MAP_DROPPABLE, 6.11) and sealed VMAs (mseal, 6.10). Where the
/// kernel lacks the feature the scenario program skips before any of this.
enum NewerKernelAssertions {
    /// Pages marked `guard` are PTE MARKER elements with the guard bit (4)
    /// and not the uffd-wp bit, and carry pagemap's bit 58 where the
    /// scenario saw the kernel set it; `written` pages are PRESENT, the
    /// others (untouched, the guard removed again) NONE.
    static func guardRegion(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "guard-region"
        let pagemapBit = e.layout.fact("pagemap_guard_bit") == "yes"
        var names = ["anon"]
        if e.layout.region("shmem") != nil { names.append("shmem") }
        var markers = 0
        for name in names {
            let r = try s.region(name)
            for i in 0..<r.pageCount {
                let words = e.layout.words(name, i)
                if words.contains("guard") {
                    let page = try s.page(r, i)
                    guard case .pte(_, let info) = page, info.kind == .marker,
                          info.payload & PageExpectation.guardMarkerBit != 0, info.payload & 1 == 0 else {
                        throw s.failure(r, i, expected: "a PTE MARKER with payload bit 4 (guard) and not bit 1 (uffd-wp)",
                                        shows: page.description)
                    }
                    if pagemapBit, !(try s.pagemap(r, i)).isGuardRegion {
                        throw s.failure(r, i, expected: "pagemap bit 58 (PM_GUARD_REGION), which the scenario saw set",
                                        shows: "pagemap \(try s.pagemap(r, i))")
                    }
                    markers += 1
                } else if words.contains("written") {
                    try s.expectPresent(r, i, has: [.write])
                } else {
                    try s.expectEmpty(r, i)
                }
            }
        }
        var note = "\(markers) guard markers; pagemap bit 58 \(pagemapBit ? "set" : "not reported")"
        if e.layout.fact("shmem_guard") == "unsupported" { note += "; no shmem guard regions here" }
        return note
    }

    /// The VMA has DROPPABLE; written pages are PRESENT (or NONE if reclaim
    /// dropped them meanwhile), their frames anonymous and not SWAPBACKED
    /// (folio_add_new_anon_rmap() leaves droppable folios unbacked, so
    /// reclaim frees them instead of swapping); untouched pages NONE.
    static func droppable(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "droppable"
        let r = try s.region("drop")
        let vma = try s.vma(of: r)
        guard vma.flags.contains(.droppable), vma.backing == .anonymous else {
            throw s.fail("the VMA: expected DROPPABLE with backing 0 (anon), module shows \(vma.backing) \(vma.flags)")
        }
        var dropped = 0
        var kpfChecked = false
        for i in e.layout.pages("drop", with: ["written"]) {
            if try s.page(r, i).isEmpty {
                dropped += 1
                continue
            }
            let info = try s.expectPTE(r, i, has: [.write, .dirty])
            if try s.expectKpageflags(r, i, pfn: info.payload, expected: "ANON without SWAPBACKED", { $0.contains(.anon) && !$0.contains(.swapBacked) }) {
                kpfChecked = true
            }
        }
        for i in e.layout.pages("drop", with: ["untouched"]) { try s.expectEmpty(r, i) }
        var note = dropped > 0 ? "\(dropped) written page(s) dropped by reclaim" : ""
        if !kpfChecked { note += (note.isEmpty ? "" : "; ") + "kpageflags unreadable: SWAPBACKED not checked" }
        return note.isEmpty ? nil : note
    }

    /// The sealed region's VMA has SEALED, the open one's not; in both,
    /// written pages PRESENT, untouched ones NONE.
    static func mseal(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "mseal"
        for (name, sealed) in [("sealed", true), ("open", false)] {
            let r = try s.region(name)
            let vma = try s.vma(of: r)
            guard vma.flags.contains(.sealed) == sealed else {
                throw s.fail("the VMA of '\(name)': expected SEALED \(sealed ? "set" : "clear"), module shows \(vma.flags)")
            }
            for i in e.layout.pages(name, with: ["written"]) { try s.expectPTE(r, i, has: [.write, .dirty]) }
            for i in e.layout.pages(name, with: ["untouched"]) { try s.expectEmpty(r, i) }
        }
        return nil
    }
}
