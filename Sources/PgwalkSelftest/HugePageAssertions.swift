import PgwalkKit

/// Assertions of the THP and hugetlb scenarios: how a huge page must
/// appear in the module's view (a PMD leaf, PTEs of a large folio, HUGETLB
/// records of the right size).
enum HugePageAssertions {
    static let pmdSize: UInt64 = 2 << 20

    /// The region must be exactly one pmd ENTRY, a LEAF with action
    /// CONTINUE, and nothing else (no PTE_RUN); returns it.
    static func singlePMDLeaf(_ s: ScenarioInspector, _ r: ScenarioLayout.Region) throws(AssertionFailure) -> EntryRecord {
        let records = try s.records(in: r)
        guard records.count == 1, case .entry(let leaf) = records[0], leaf.level == .pmd, leaf.entry.isLeaf,
              leaf.action == .continue, leaf.addr <= r.start, leaf.next >= r.end else {
            throw s.fail("\(r.name) (\(Hex.short(r.start))-\(Hex.short(r.end))): expected exactly one pmd ENTRY "
                         + "with LEAF and action CONTINUE, module shows \(ScenarioInspector.describe(records))")
        }
        return leaf
    }

    static func thpPMD(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "thp-pmd"
        let r = try s.region("thp")
        let leaf = try singlePMDLeaf(s, r)
        guard leaf.entry.info.kind == .present else {
            throw s.fail("the pmd leaf: expected PRESENT, module shows \(leaf.entry.info)")
        }
        if s.pfnVisible, let pfn = e.layout.numericFact("thp_pfn"), leaf.entry.info.payload != pfn {
            throw s.fail("the pmd leaf: expected payload thp_pfn \(Hex.short(pfn)), module shows \(Hex.short(leaf.entry.info.payload))")
        }
        guard let kb = e.smapsKB(e.layout.pid, r.start, "AnonHugePages") else {
            throw s.fail("could not read AnonHugePages from /proc/\(e.layout.pid)/smaps after the walk")
        }
        guard kb >= 2048 else {
            throw s.fail("AnonHugePages after the walk: expected 2048 kB (the walk must not split the THP), smaps shows \(kb) kB")
        }
        return nil
    }

    static func thpPTE(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "thp-pte"
        let r = try s.region("thp")
        for record in try s.records(in: r) {
            if case .entry(let x) = record, x.level == .pmd, x.entry.isLeaf {
                throw s.fail("expected no pmd LEAF in the split THP, module shows \(ScenarioInspector.describe(record))")
            }
        }
        var first: UInt64?
        var kpfChecked = false
        for i in 0..<r.pageCount {
            let readOnly = e.layout.words("thp", i).contains("readonly")
            let info = try s.expectPTE(r, i, has: readOnly ? [] : [.write], lacks: readOnly ? [.write] : [])
            if s.pfnVisible {
                if let first, info.payload != first + UInt64(i) {
                    throw s.failure(r, i, expected: "consecutive PFNs: \(Hex.short(first + UInt64(i)))",
                                    shows: "PFN \(Hex.short(info.payload))")
                }
                if first == nil { first = info.payload }
                if try s.expectKpageflags(r, i, pfn: info.payload, expected: "THP (the folio stays large)", { $0.contains(.thp) }) {
                    kpfChecked = true
                }
            }
        }
        return kpfChecked ? nil : "PFNs or kpageflags hidden: folio not checked"
    }

    /// Pages of one multi-size THP folio of the mthp-64k scenario.
    static let multiSizeFolioPages = 16

    /// 64 KiB anonymous folios mapped by PTEs: every page of a folio a
    /// PRESENT PTE with WRITE and DIRTY (the fault maps the whole folio
    /// writable and dirty, written or not: pages the program never touched
    /// are mapped too), 16 consecutive PFNs from a multiple of 16 (a folio is
    /// naturally aligned), kpageflags THP; the untouched block NONE; no pmd
    /// leaf in the region.
    static func multiSizeTHP(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "mthp-64k"
        let r = try s.region("mthp")
        for record in try s.records(in: r) {
            if case .entry(let x) = record, x.entry.isLeaf {
                throw s.fail("expected PTEs only, module shows \(ScenarioInspector.describe(record))")
            }
        }
        let n = multiSizeFolioPages
        var kpfChecked = false, folios = 0
        for i in 0..<r.pageCount {
            let words = e.layout.words("mthp", i)
            if words.contains("untouched") {
                try s.expectEmpty(r, i)
                continue
            }
            guard words.contains("mthp") else { continue }
            let info = try s.expectPTE(r, i, has: [.write, .dirty])
            if i % n == 0 { folios += 1 }
            guard s.pfnVisible else { continue }
            if i % n == 0 {
                guard info.payload % UInt64(n) == 0 else {
                    throw s.failure(r, i, expected: "the first page of a 64 KiB folio: a PFN that is a multiple of \(n)",
                                    shows: "PFN \(Hex.short(info.payload))")
                }
            } else {
                let head = try s.pfn(r, i - i % n)
                guard info.payload == head + UInt64(i % n) else {
                    throw s.failure(r, i, expected: "PFN \(Hex.short(head + UInt64(i % n))) (consecutive in the folio)",
                                    shows: "PFN \(Hex.short(info.payload))")
                }
            }
            if try s.expectKpageflags(r, i, pfn: info.payload, expected: "THP (a large anonymous folio)", { $0.contains(.thp) }) {
                kpfChecked = true
            }
        }
        guard folios > 0 else { throw s.fail("the scenario printed no 'mthp' page") }
        let vma = try s.vma(of: r)
        guard vma.flags.contains(.hugePage) else {
            throw s.fail("the VMA: expected HUGEPAGE (MADV_HUGEPAGE), module shows \(vma.flags)")
        }
        return "\(folios) folios of 64 KiB" + (kpfChecked ? "" : "; PFNs or kpageflags hidden: folios not checked")
    }

    /// The shmem-thp regions and the backing each VMA must have.
    static let shmemRegions: [(name: String, backing: VMABacking)] = [
        ("memfd", .file), ("shared-anon", .sharedAnonymous), ("tmpfs", .file),
    ]

    /// Each shmem THP the scenario mapped is one pmd ENTRY, a PRESENT LEAF
    /// with the PFN pagemap showed, in a SHARED VMA of its backing, still
    /// PMD-mapped after the walk (ShmemPmdMapped); kpageflags THP.
    static func shmemTHP(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "shmem-thp"
        var mapped: [String] = []
        for (name, backing) in shmemRegions {
            guard let r = e.layout.region(name) else { continue }
            let leaf = try singlePMDLeaf(s, r)
            let info = leaf.entry.info
            guard info.kind == .present else {
                throw s.fail("\(name): expected a PRESENT pmd leaf, module shows \(info)")
            }
            if s.pfnVisible, let pfn = e.layout.pfns[name]?[0], info.payload != pfn {
                throw s.fail("\(name): expected payload \(Hex.short(pfn)) (pfn \(name) 0), module shows \(Hex.short(info.payload))")
            }
            if let flags = s.kpageflags(info.payload), !flags.contains(.thp) {
                throw s.fail("\(name): expected kpageflags THP on the PMD's frame, shows \(flags)")
            }
            let vma = try s.vma(of: r)
            guard vma.flags.contains(.shared), vma.backing == backing else {
                throw s.fail("\(name): expected a SHARED VMA of backing \(backing), module shows \(vma.backing) \(vma.flags)")
            }
            guard let kb = e.smapsKB(e.layout.pid, r.start, "ShmemPmdMapped") else {
                throw s.fail("\(name): could not read ShmemPmdMapped from /proc/\(e.layout.pid)/smaps after the walk")
            }
            guard kb >= 2048 else {
                throw s.fail("\(name): ShmemPmdMapped after the walk: expected 2048 kB (the walk must not split it), smaps shows \(kb) kB")
            }
            mapped.append(name)
        }
        guard !mapped.isEmpty else {
            throw s.fail("the scenario printed none of the regions \(shmemRegions.map(\.name).joined(separator: ", "))")
        }
        let omitted = e.layout.facts.keys.filter { $0.hasPrefix("omitted_") }.sorted()
            .map { "\($0.dropFirst("omitted_".count)): \(e.layout.fact($0) ?? "")" }
        return "PMD-mapped: " + mapped.joined(separator: ", ") + (omitted.isEmpty ? "" : "; omitted " + omitted.joined(separator: "; "))
    }

    static func hugeZero(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "huge-zero"
        let r = try s.region("hzero")
        let zeroPFN = s.pfnVisible ? e.layout.numericFact("huge_zero_pfn") : nil
        var at = r.start
        while at < r.end {
            let half = ScenarioLayout.Region(name: "hzero[\(Hex.short(at))]", start: at, end: min(at + pmdSize, r.end), perms: r.perms)
            let leaf = try singlePMDLeaf(s, half)
            let info = leaf.entry.info
            guard info.kind == .present, info.flags.contains(.zeroPage), !info.flags.contains(.write) else {
                throw s.fail("\(half.name): expected PRESENT with ZERO_PAGE without WRITE, module shows \(info)")
            }
            if let zeroPFN, info.payload != zeroPFN {
                throw s.fail("\(half.name): expected payload huge_zero_pfn \(Hex.short(zeroPFN)), module shows \(Hex.short(info.payload))")
            }
            at += pmdSize
        }
        return nil
    }

    static func mremapTHP(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "mremap-thp"
        let whole = try s.region("whole")
        let leaf = try singlePMDLeaf(s, whole)
        if s.pfnVisible, let pfn = e.layout.pfns["whole"]?[0], leaf.entry.info.payload != pfn {
            throw s.fail("whole: expected the pmd leaf to keep PFN \(Hex.short(pfn)) (pfn whole 0), module shows \(Hex.short(leaf.entry.info.payload))")
        }
        for name in ["half", "half-moved"] {
            let r = try s.region(name)
            let start = e.layout.pfns[name]?[0]
            for i in 0..<r.pageCount {
                let info = try s.expectPTE(r, i)
                if s.pfnVisible, let start, info.payload != start + UInt64(i) {
                    throw s.failure(r, i, expected: "PFN \(Hex.short(start + UInt64(i))) (consecutive from pfn \(name) 0)",
                                    shows: "PFN \(Hex.short(info.payload))")
                }
            }
        }
        return nil
    }

    /// hugetlb-2m and hugetlb-memfd: two 2 MiB HUGETLB records, the first
    /// present with pagemap's PFN, the second not present.
    static func hugetlb2M(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = e.layout.scenario.isEmpty ? "hugetlb-2m" : e.layout.scenario
        let r = try s.region("huge")
        let records = try s.records(in: r)
        let hmask = ~(pmdSize - 1)
        let huge: [HugetlbRecord] = records.compactMap { if case .hugetlb(let x) = $0 { return x } else { return nil } }
        guard records.count == 2, huge.count == 2, huge.allSatisfy({ $0.hmask == hmask }) else {
            throw s.fail("expected exactly two HUGETLB records with hmask \(Hex.short(hmask)) and nothing else, "
                         + "module shows \(ScenarioInspector.describe(records))")
        }
        guard huge[0].info.kind == .present else {
            throw s.fail("the first (written) huge page: expected PRESENT, module shows \(huge[0].info)")
        }
        if s.pfnVisible {
            let pm = try s.pagemap(r, 0)
            guard pm.pfn == huge[0].info.payload else {
                throw s.fail("the first huge page: expected pagemap's PFN \(pm.pfn.map(Hex.short) ?? "not present"), "
                             + "module shows \(Hex.short(huge[0].info.payload))")
            }
        }
        guard huge[1].info.kind != .present else {
            throw s.fail("the second (untouched) huge page: expected not present, module shows \(huge[1].info)")
        }
        return nil
    }

    static func hugetlb1G(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "hugetlb-1g"
        let r = try s.region("huge")
        let records = try s.records(in: r)
        let hmask = ~((UInt64(1) << 30) - 1)
        guard records.count == 1, case .hugetlb(let x) = records[0], x.hmask == hmask, x.info.kind == .present else {
            throw s.fail("expected one PRESENT HUGETLB record with hmask \(Hex.short(hmask)), "
                         + "module shows \(ScenarioInspector.describe(records))")
        }
        return nil
    }
}
