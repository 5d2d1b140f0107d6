import PgwalkKit

/// Assertions of the scenarios on private anonymous 4 KiB pages
/// (docs/SCENARIOS.md section 3): each checks the module's view only;
/// `verify` runs besides.
enum AnonymousAssertions {
    static func anon4k(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "anon-4k"
        let r = try s.region("anon")
        for i in e.layout.pages("anon", with: ["written"]) {
            try s.expectPTE(r, i, has: [.leaf, .write, .dirty])
        }
        for i in e.layout.pages("anon", with: ["untouched"]) { try s.expectEmpty(r, i) }
        let vma = try s.vma(of: r)
        guard vma.backing == .anonymous, vma.flags.contains(.noHugePage) else {
            throw s.fail("the VMA: expected backing 0 (anon) with NOHUGEPAGE, module shows \(vma.backing) \(vma.flags)")
        }
        return nil
    }

    static func zero4k(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "zero-4k"
        let r = try s.region("zero")
        let zeroPFN = s.pfnVisible ? e.layout.numericFact("zero_pfn") : nil
        for i in 0..<r.pageCount {
            let info = try s.expectPTE(r, i, has: [.zeroPage, .special], lacks: [.write])
            if let zeroPFN, info.payload != zeroPFN {
                throw s.failure(r, i, expected: "PFN zero_pfn \(Hex.short(zeroPFN))", shows: "PFN \(Hex.short(info.payload))")
            }
        }
        return zeroPFN == nil ? "PFNs hidden: zero_pfn not compared" : nil
    }

    static func protNone(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "prot-none"
        let r = try s.region("pn")
        for i in e.layout.pages("pn", with: ["written", "protnone"]) {
            let info = try s.expectPTE(r, i, has: [.protNone], lacks: [.user, .write])
            let pm = try s.pagemap(r, i)
            if s.pfnVisible, pm.pfn != info.payload {
                throw s.failure(r, i, expected: "PFN = pagemap's \(pm.pfn.map(Hex.short) ?? "not present")",
                                shows: "PFN \(Hex.short(info.payload))")
            }
        }
        for i in e.layout.pages("pn", with: ["untouched", "protnone"]) { try s.expectEmpty(r, i) }
        let vma = try s.vma(of: try s.region("none"))
        guard vma.flags.isDisjoint(with: [.read, .write]) else {
            throw s.fail("the VMA of 'none': expected neither READ nor WRITE, module shows \(vma.flags)")
        }
        return nil
    }

    static func dontneed(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "dontneed"
        let r = try s.region("dn")
        for i in 0..<r.pageCount {
            if e.layout.words("dn", i).contains("dropped") { try s.expectEmpty(r, i) } else { try s.expectPresent(r, i) }
        }
        return nil
    }

    /// Lazily freed pages (MADV_FREE) keep their PTE and frame until
    /// reclaim, with DIRTY and ACCESSED cleared (madvise_free_pte_range()),
    /// so that reclaim may discard them; a page written again is DIRTY. The
    /// pages paged out right after MADV_FREE were discarded (no swap
    /// needed), or, per the scenario's pagemap reading, kept or swapped.
    static func madvFree(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "madv-free"
        let r = try s.region("free")
        var kept = 0, reclaimed = 0
        for i in e.layout.pages("free", with: ["lazyfree"], without: ["rewritten", "pageout"]) {
            let page = try s.page(r, i)
            if page.isEmpty {
                reclaimed += 1
                continue
            }
            let info = try s.expectPTE(r, i, lacks: [.dirty, .accessed])
            if s.pfnVisible, let before = e.layout.pfns["free"]?[i], info.payload != before {
                throw s.failure(r, i, expected: "the PFN it had before MADV_FREE, \(Hex.short(before))",
                                shows: "PFN \(Hex.short(info.payload))")
            }
            kept += 1
        }
        for i in e.layout.pages("free", with: ["rewritten"]) { try s.expectPTE(r, i, has: [.dirty]) }
        var outcome: [String: Int] = [:]
        for i in e.layout.pages("free", with: ["pageout"]) {
            let words = e.layout.words("free", i)
            if words.contains("discarded") {
                try s.expectEmpty(r, i)
                outcome["discarded", default: 0] += 1
            } else if words.contains("swapped") {
                try s.expectPTE(r, i, kind: .swap)
                outcome["swapped", default: 0] += 1
            } else if try s.page(r, i).isEmpty {
                outcome["discarded later", default: 0] += 1
            } else {
                try s.expectPTE(r, i, lacks: [.dirty])
                outcome["kept", default: 0] += 1
            }
        }
        var note = "lazily freed pages: \(kept) still present (clean), \(reclaimed) reclaimed"
        if !outcome.isEmpty {
            note += "; paged out: " + outcome.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        }
        return note
    }

    static func mlock(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "mlock"
        let r = try s.region("mlock")
        let vma = try s.vma(of: try s.region("locked"))
        guard vma.flags.contains(.locked) else {
            throw s.fail("the VMA of 'locked': expected LOCKED, module shows \(vma.flags)")
        }
        var kpfChecked = false
        for i in e.layout.pages("mlock", with: ["locked"]) {
            try s.expectPresent(r, i, lacks: [.zeroPage])
            if try s.expectKpageflags(r, i, pfn: try s.pfn(r, i), expected: "MLOCKED", { $0.contains(.mlocked) }) {
                kpfChecked = true
            }
        }
        for i in e.layout.pages("mlock", with: ["untouched"]) { try s.expectEmpty(r, i) }
        return kpfChecked ? nil : "kpageflags unreadable: MLOCKED not checked"
    }

    static func softDirty(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "soft-dirty"
        let r = try s.region("sd")
        for i in 0..<r.pageCount {
            let page = try s.page(r, i)
            let expected = e.layout.words("sd", i).contains("soft-dirty")
            if page.flags.contains(.softDirty) != expected {
                throw s.failure(r, i, expected: expected ? "SOFT_DIRTY set" : "SOFT_DIRTY clear", shows: page.description)
            }
        }
        let vma = try s.vma(of: r)
        guard !vma.flags.contains(.softDirty) else {
            throw s.fail("the VMA: expected SOFTDIRTY clear after clear_refs 4, module shows \(vma.flags)")
        }
        return nil
    }

    static func uffdWP(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "uffd-wp"
        var names = ["anon"]
        if e.layout.region("shmem") != nil { names.append("shmem") }
        for name in names {
            let r = try s.region(name)
            for i in 0..<r.pageCount {
                let words = e.layout.words(name, i)
                let page = try s.page(r, i)
                if words.contains("marker") {
                    guard case .pte(_, let info) = page, info.kind == .marker, info.payload & 1 != 0 else {
                        throw s.failure(r, i, expected: "a PTE MARKER with payload bit 1 (uffd-wp)", shows: page.description)
                    }
                    continue
                }
                if words.contains("wp-requested") && words.contains("untouched") {
                    try s.expectEmpty(r, i)
                    continue
                }
                let expected = words.contains("uffd-wp")
                if page.flags.contains(.uffdWP) != expected {
                    throw s.failure(r, i, expected: expected ? "UFFD_WP set" : "UFFD_WP clear", shows: page.description)
                }
            }
        }
        return e.layout.fact("shmem_wp") == "unsupported" ? "no shmem write-protect here: markers not checked" : nil
    }

    static func high(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "high"
        guard e.view.levels == 5 else {
            throw s.fail("expected header levels 5, module shows \(e.view.levels)")
        }
        let r = try s.region("high")
        let boundary: UInt64 = 1 << 47
        for record in try s.records(in: r) {
            let addr: UInt64
            switch record {
            case .entry(let x): addr = x.addr
            case .pteRun(let x): addr = x.addr
            case .pteSeq(let x): addr = x.addr
            case .noneRun(let x): addr = x.addr
            case .hole(let x): addr = x.addr
            case .hugetlb(let x): addr = x.addr
            default: continue
            }
            guard addr >= boundary else {
                throw s.fail("a record of the region lies below 2^47: \(ScenarioInspector.describe(record))")
            }
        }
        for i in e.layout.pages("high", with: ["written"]) { try s.expectPresent(r, i) }
        for i in e.layout.pages("high", with: ["untouched"]) { try s.expectEmpty(r, i) }
        return nil
    }

    /// Records and bytes allowed per touched page, and the time allowed for
    /// the walk of the sparse region: small, and independent of its 64 GiB.
    static let sparseRecordsPerPage = 64
    static let sparseBytesPerPage: UInt64 = 2048
    static let sparseSeconds = 1.0

    static func sparse(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "sparse"
        let r = try s.region("sparse")
        for i in e.layout.pages("sparse", with: ["written"]) { try s.expectPresent(r, i) }
        guard let touched = e.layout.numericFact("touched_pages"), touched > 0 else {
            throw s.fail("the scenario printed no 'fact touched_pages N'")
        }
        guard let walk = e.regionWalk else { throw s.fail("the region was not walked on its own") }
        let size = ByteSize.short(r.end - r.start)
        let measured = "\(walk.recordCount) records, \(walk.streamBytes) bytes, \(Self.milliseconds(walk.seconds)) ms"
        guard walk.recordCount < Int(touched) * sparseRecordsPerPage,
              walk.streamBytes < touched * sparseBytesPerPage else {
            throw s.fail("a walk of \(size) with \(touched) touched pages should cost < \(sparseRecordsPerPage) records "
                         + "and < \(sparseBytesPerPage) bytes per touched page; it took \(measured)")
        }
        guard walk.seconds < sparseSeconds else {
            throw s.fail("the walk of \(size) took \(Self.milliseconds(walk.seconds)) ms, limit \(Int(sparseSeconds * 1000)) ms")
        }
        return measured
    }

    static func milliseconds(_ seconds: Double) -> String {
        let ms = seconds * 1000
        return ms < 10 ? String(Double(Int(ms * 10)) / 10) : String(Int(ms))
    }
}
