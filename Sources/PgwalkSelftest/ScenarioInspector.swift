import PgwalkKit

/// A scenario assertion that did not hold: which one, where, expected
/// against what the module showed.
package struct AssertionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// The vocabulary the per-scenario checkers are written in: regions and
/// pages of the layout looked up in the module's view, each failure phrased
/// as "assertion: region page I (address): expected ..., module shows ...".
struct ScenarioInspector {
    let evidence: ScenarioEvidence
    /// The assertion being checked, prefixed to failures.
    var assertion = ""

    init(_ evidence: ScenarioEvidence) { self.evidence = evidence }

    var layout: ScenarioLayout { evidence.layout }
    var pfnVisible: Bool { evidence.view.pfnVisible }

    func region(_ name: String) throws(AssertionFailure) -> ScenarioLayout.Region {
        guard let region = layout.region(name) else {
            throw AssertionFailure("\(assertion): the scenario printed no region '\(name)' (its output changed?)")
        }
        return region
    }

    func view(pid2: Bool) throws(AssertionFailure) -> ModuleView {
        guard pid2 else { return evidence.view }
        guard let view = evidence.view2 else {
            throw AssertionFailure("\(assertion): the scenario printed no pid2, or pid2 was not walked")
        }
        return view
    }

    func where_(_ region: ScenarioLayout.Region, _ index: Int, pid2: Bool = false) -> String {
        let who = pid2 ? " of pid2" : ""
        return "\(region.name) page \(index)\(who) (\(Hex.short(region.address(ofPage: index))))"
    }

    func failure(_ region: ScenarioLayout.Region, _ index: Int, pid2: Bool = false,
                 expected: String, shows: String) -> AssertionFailure {
        AssertionFailure("\(assertion): \(where_(region, index, pid2: pid2)): expected \(expected), module shows \(shows)")
    }

    func fail(_ text: String) -> AssertionFailure { AssertionFailure("\(assertion): \(text)") }

    func page(_ region: ScenarioLayout.Region, _ index: Int, pid2: Bool = false) throws(AssertionFailure) -> ModuleView.Page {
        guard let page = try view(pid2: pid2).page(at: region.address(ofPage: index)) else {
            throw failure(region, index, pid2: pid2, expected: "a record covering it", shows: "nothing (not in the walk)")
        }
        return page
    }

    /// The page must be a PTE element of `kind` with all of `has` and none
    /// of `lacks`; returns its info.
    @discardableResult
    func expectPTE(_ region: ScenarioLayout.Region, _ index: Int, kind: EntryKind = .present,
                   has: EntryFlags = [], lacks: EntryFlags = [], pid2: Bool = false) throws(AssertionFailure) -> EntryInfo {
        let page = try page(region, index, pid2: pid2)
        let expected = "a PTE \(kind)" + (has.isEmpty ? "" : " with \(has)") + (lacks.isEmpty ? "" : " without \(lacks)")
        guard case .pte(_, let info) = page, info.kind == kind,
              info.flags.isSuperset(of: has), info.flags.isDisjoint(with: lacks) else {
            throw failure(region, index, pid2: pid2, expected: expected, shows: page.description)
        }
        return info
    }

    /// The page must be mapped (a PTE or a huge leaf) and present.
    @discardableResult
    func expectPresent(_ region: ScenarioLayout.Region, _ index: Int, has: EntryFlags = [], lacks: EntryFlags = [],
                       pid2: Bool = false) throws(AssertionFailure) -> ModuleView.Page {
        let page = try page(region, index, pid2: pid2)
        guard page.isPresent, page.flags.isSuperset(of: has), page.flags.isDisjoint(with: lacks) else {
            let expected = "PRESENT" + (has.isEmpty ? "" : " with \(has)") + (lacks.isEmpty ? "" : " without \(lacks)")
            throw failure(region, index, pid2: pid2, expected: expected, shows: page.description)
        }
        return page
    }

    /// The page must have no entry: NONE_RUN or a HOLE.
    func expectEmpty(_ region: ScenarioLayout.Region, _ index: Int, pid2: Bool = false) throws(AssertionFailure) {
        let page = try page(region, index, pid2: pid2)
        guard page.isEmpty else {
            throw failure(region, index, pid2: pid2, expected: "NONE (NONE_RUN or HOLE)", shows: page.description)
        }
    }

    func pfn(_ region: ScenarioLayout.Region, _ index: Int, pid2: Bool = false) throws(AssertionFailure) -> UInt64 {
        guard let pfn = try view(pid2: pid2).pfn(at: region.address(ofPage: index)) else {
            throw failure(region, index, pid2: pid2, expected: "a present page with a PFN",
                          shows: (try? page(region, index, pid2: pid2))?.description ?? "nothing")
        }
        return pfn
    }

    /// The VMA record containing the region's start.
    func vma(of region: ScenarioLayout.Region, pid2: Bool = false) throws(AssertionFailure) -> VMA {
        guard let vma = try view(pid2: pid2).vma(containing: region.start) else {
            throw fail("no VMA record contains \(region.name) (\(Hex.short(region.start)))")
        }
        return vma
    }

    func kpageflags(_ pfn: UInt64) -> KernelPageFlags? { pfnVisible ? evidence.kpageflags(pfn) : nil }

    /// Checks a page's frame in kpageflags where it can be read (PFNs
    /// visible): `holds` must be true of its flags, `expected` says what it
    /// wants. Returns whether the flags were read.
    func expectKpageflags(_ region: ScenarioLayout.Region, _ index: Int, pfn: UInt64, expected: String,
                          _ holds: (KernelPageFlags) -> Bool) throws(AssertionFailure) -> Bool {
        guard let flags = kpageflags(pfn) else { return false }
        guard holds(flags) else {
            throw failure(region, index, expected: "kpageflags \(expected)", shows: "kpageflags \(flags)")
        }
        return true
    }

    func pagemap(_ region: ScenarioLayout.Region, _ index: Int, pid2: Bool = false) throws(AssertionFailure) -> PagemapEntry {
        let pid = pid2 ? (layout.pid2 ?? 0) : layout.pid
        guard let entry = evidence.pagemap(pid, region.address(ofPage: index)) else {
            throw fail("could not read /proc/\(pid)/pagemap for \(where_(region, index, pid2: pid2))")
        }
        return entry
    }

    /// The records that say what maps the region (PTE_RUN, NONE_RUN, HOLE,
    /// HUGETLB, ENTRY that does not point to a table), in stream order. The
    /// pgd/p4d/pud/pmd entries leading to the tables are left out: they
    /// also cover the region, but map nothing themselves.
    func records(in region: ScenarioLayout.Region, pid2: Bool = false) throws(AssertionFailure) -> [StreamRecord] {
        try view(pid2: pid2).entryRecords(overlapping: region.start, region.end).filter { record in
            if case .entry(let e) = record, e.action == .subtree { return false }
            return true
        }
    }

    static func describe(_ record: StreamRecord) -> String {
        switch record {
        case .entry(let r): return "ENTRY \(r.level) \(Hex.short(r.addr))-\(Hex.short(r.next)) \(r.entry.info) action \(r.action)"
        case .pteRun(let r): return "PTE_RUN \(Hex.short(r.addr)) x\(r.entries.count)"
        case .pteSeq(let r): return "PTE_SEQ \(Hex.short(r.addr)) x\(r.count) \(r.first.info)"
        case .noneRun(let r): return "NONE_RUN \(Hex.short(r.addr)) x\(r.count)"
        case .hole(let r): return "HOLE \(Hex.short(r.addr))-\(Hex.short(r.end)) depth \(r.depth)"
        case .hugetlb(let r): return "HUGETLB \(Hex.short(r.addr)) hmask \(Hex.short(r.hmask)) \(r.info)"
        default: return "\(record.type)"
        }
    }

    static func describe(_ records: [StreamRecord]) -> String {
        let shown = records.prefix(4).map(describe).joined(separator: "; ")
        return records.count > 4 ? "\(records.count) records: \(shown); ..." : "\(records.count) record(s): \(shown)"
    }
}
