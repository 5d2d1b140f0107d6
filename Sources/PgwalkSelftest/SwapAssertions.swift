import PgwalkKit

/// Assertions of swap-4k and swap-thp: swapped pages are SWAP PTEs whose
/// type and offset are pagemap's (`frame & 31`, `frame >> 5`).
enum SwapAssertions {
    /// Checks every page of the region: `swapped` ⇒ a SWAP PTE matching
    /// pagemap, otherwise PRESENT. Returns the swap offsets by page index.
    static func checkPages(_ s: ScenarioInspector, _ r: ScenarioLayout.Region) throws(AssertionFailure) -> [(Int, UInt64)] {
        var offsets: [(Int, UInt64)] = []
        for i in 0..<r.pageCount {
            guard s.layout.words(r.name, i).contains("swapped") else {
                try s.expectPresent(r, i)
                continue
            }
            let info = try s.expectPTE(r, i, kind: .swap)
            let pm = try s.pagemap(r, i)
            guard let type = pm.swapType, let offset = pm.swapOffset else {
                throw s.failure(r, i, expected: "pagemap to show the swap entry it showed at set-up", shows: "pagemap \(pm)")
            }
            if info.swapType != type || (s.pfnVisible && info.payload != offset) {
                throw s.failure(r, i, expected: "swap type \(type) offset \(Hex.short(offset)) (pagemap's)",
                                shows: "type \(info.swapType) offset \(Hex.short(info.payload))")
            }
            offsets.append((i, info.payload))
        }
        return offsets
    }

    static func swap4K(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "swap-4k"
        let r = try s.region("swap")
        let offsets = try checkPages(s, r)
        if s.pfnVisible {
            var seen = Set<UInt64>()
            for (i, offset) in offsets where !seen.insert(offset).inserted {
                throw s.failure(r, i, expected: "a swap offset of its own", shows: "offset \(Hex.short(offset)) twice")
            }
        }
        return "\(offsets.count) page(s) swapped"
    }

    static func swapTHP(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "swap-thp"
        let r = try s.region("thp")
        for record in try s.records(in: r) {
            if case .entry(let x) = record, x.level == .pmd, x.entry.isLeaf {
                throw s.fail("expected no pmd LEAF (6.1 splits the PMD to swap a THP), module shows \(ScenarioInspector.describe(record))")
            }
        }
        let offsets = try checkPages(s, r)
        if e.layout.fact("swap_offsets_contiguous") == "yes", s.pfnVisible, let first = offsets.first {
            for (n, (i, offset)) in offsets.enumerated() where offset != first.1 + UInt64(n) {
                throw s.failure(r, i, expected: "consecutive swap offsets: \(Hex.short(first.1 + UInt64(n)))",
                                shows: "offset \(Hex.short(offset))")
            }
        }
        return "\(offsets.count) page(s) swapped"
    }
}
