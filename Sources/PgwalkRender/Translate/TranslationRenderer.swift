import PgwalkKit

/// The text and JSON (`pgwalk.translate/1`, docs/JSON.md) forms of
/// ``Translation``s: one line per level, pgd to pte, then where the path
/// ends.
///
///     0x00007f6f02201234  0x00007f6f02200000-0x00007f6f02400000 rw-p anon
///       pgd [254] 0x0000000103c4e067 table  RW USR ACC         -> pud table pfn 0x103c4e
///       p4d [  0] folded into the pgd (the same entry)
///       ...
///       => 2M pmd leaf, physical 0x3001234
package enum TranslationRenderer {
    package static func text(_ translations: [Translation], description d: WalkDescription) -> String {
        var lines = ["pid \(d.pid) (\(d.source.rawValue)): \(d.geometry.levels)-level paging, kernel \(d.kernelRelease), "
            + "PFNs \(d.pfnVisible ? "shown" : "hidden (needs CAP_SYS_ADMIN)")"]
        for t in translations {
            var head = Hex.address(t.address)
            if let vma = t.vma {
                head += "  \(Hex.address(vma.start))-\(Hex.address(vma.end)) \(vma.permissions) \(vma.backing)"
                if !vma.name.isEmpty { head += " " + vma.name }
            }
            lines.append(head)
            for level in PageTableLevel.allCases {
                lines.append("  " + levelLine(t, level))
            }
            lines.append("  => " + ending(t))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func levelLine(_ t: Translation, _ level: PageTableLevel) -> String {
        let name = level.description
        let index = "[" + String(t.geometry.index(level, t.address)).leftPadded(to: 3) + "]"
        guard let step = t.step(level) else {
            if t.geometry.isFolded(level) {
                return "\(name) \(index) folded into the \(t.geometry.storageLevel(level)) (the same entry)"
            }
            if t.steps.contains(where: { $0.hugetlbPageSize != nil }) && level < t.steps[0].level {
                return "\(name) \(index) -  (walk_hugetlb_range() reports no upper level)"
            }
            return "\(name) \(index) -"
        }
        let raw = step.raw.map(Hex.address) ?? "(no value)".padded(to: 18)
        let flags = step.info.kind == .none ? "" : WalkTableRenderer.flagLetters(step.info.flags)
        var line = "\(name) \(index) \(raw) \(kindWord(step).padded(to: 10)) \(flags.padded(to: 26))"
        let detail = self.detail(step, t)
        if !detail.isEmpty { line += " " + detail }
        if step.folded { line += "  (folded into the \(t.geometry.storageLevel(level)): the same entry)" }
        return line.trimmingTrailingSpaces()
    }

    /// What the entry is: a table pointer, a leaf, a huge leaf, or its kind.
    static func kindWord(_ step: Translation.Step) -> String {
        switch step.info.kind {
        case .present where !step.info.isLeaf: return "table"
        case .present where step.hugetlbPageSize != nil: return "hugetlb"
        case .present where step.level != .pte: return "huge"
        case .present: return "leaf"
        default: return step.info.kind.description
        }
    }

    static func frame(_ value: UInt64, _ t: Translation) -> String {
        t.pfnVisible ? Hex.short(value) : "hidden"
    }

    /// The frame it points to, or the decoded fields of a non-present entry.
    static func detail(_ step: Translation.Step, _ t: Translation) -> String {
        let info = step.info
        switch info.kind {
        case .present where !info.isLeaf:
            let below = step.level.below.map { t.geometry.storageLevel($0) == step.level ? ($0.below ?? $0) : $0 }
            return "-> \(below.map(\.description) ?? "next") table pfn \(frame(info.payload, t))"
        case .present:
            let size = step.hugetlbPageSize ?? t.geometry.entrySize(step.level)
            return "pfn \(frame(info.payload, t)) (\(ByteSize.short(size)))"
        case .swap:
            return "swap type \(info.swapType) offset \(frame(info.payload, t))"
        case .migration, .device, .hwpoison:
            return "pfn \(frame(info.payload, t))"
        case .marker:
            return "marker \(Hex.short(info.payload)) (\(markerNames(info.payload).joined(separator: " ")))"
        case .none, .other:
            return ""
        }
    }

    /// The PTE marker bits (FORMAT.md section 4).
    static func markerNames(_ bits: UInt64) -> [String] {
        let names: [(UInt64, String)] = [(1, "uffd-wp"), (2, "swapin-error"), (4, "guard")]
        let set = names.filter { bits & $0.0 != 0 }.map(\.1)
        return set.isEmpty ? ["unknown"] : set
    }

    static func ending(_ t: Translation) -> String {
        switch t.outcome {
        case .mapped(let level, let size, let hugetlb):
            let what = hugetlb ? "\(ByteSize.short(size)) hugetlb page" : level == .pte ? "4K pte" : "\(ByteSize.short(size)) \(level) leaf"
            let physical = t.physicalAddress.map { "physical \(Hex.short($0))" } ?? "physical address hidden (needs CAP_SYS_ADMIN)"
            return "mapped by a \(what), \(physical)"
        case .notPresent(let level, let kind, let hugetlb):
            return "not present: a \(kind) entry at the \(hugetlb ? "hugetlb " : "")\(level)"
        case .nonePTE:
            return "not mapped: the pte is none"
        case .hole(let depth):
            return "not mapped: hole at depth \(depth), the \(depth.level!) entry is none"
        case .hugetlbHole:
            return "not mapped: no hugetlb entry for this huge page"
        case .noVMA:
            return "in no VMA: the walker does not look at the page tables here"
        case .notWalked:
            return "not walked: a VM_PFNMAP VMA, which the module skips"
        case .stopped(let level):
            return "the walk went no further below the \(level) entry (a bad entry, or the stream ended)"
        case .notReached:
            return "not covered by the stream"
        }
    }

    package static func json(_ translations: [Translation], description d: WalkDescription) -> String {
        var s = "{\"schema\":\"pgwalk.translate/1\",\"pid\":\(d.pid),\"source\":\"\(d.source.rawValue)\""
        s += ",\"kernel_release\":\(JSON.string(d.kernelRelease)),\"paging_levels\":\(d.geometry.levels)"
        s += ",\"page_size\":\(d.geometry.pageSize),\"pfn_visible\":\(d.pfnVisible),\"translations\":["
        s += translations.map { json($0) }.joined(separator: ",")
        return s + "\n]}\n"
    }

    static func json(_ t: Translation) -> String {
        var s = "\n{\"address\":\"\(Hex.short(t.address))\",\"vma\":"
        if let vma = t.vma {
            s += "{\"start\":\"\(Hex.short(vma.start))\",\"end\":\"\(Hex.short(vma.end))\",\"perms\":\"\(vma.permissions)\""
            s += ",\"backing\":\"\(vma.backing)\",\"name\":\(JSON.string(vma.name))}"
        } else {
            s += "null"
        }
        s += ",\"levels\":["
        s += PageTableLevel.allCases.map { level -> String in
            var l = "{\"level\":\"\(level)\",\"index\":\(t.geometry.index(level, t.address))"
            l += ",\"folded\":\(t.geometry.isFolded(level))"
            guard let step = t.step(level) else { return l + ",\"reached\":false}" }
            l += ",\"reached\":true,\"raw\":" + (step.raw.map { "\"\(Hex.short($0))\"" } ?? "null")
            l += ",\"kind\":\"\(step.info.kind)\",\"leaf\":\(step.info.isLeaf),\"flags\":\(JSON.array(step.info.flags.subtracting(.leaf).names))"
            if let size = step.hugetlbPageSize { l += ",\"hugetlb_page_size\":\(size)" }
            switch step.info.kind {
            case .present where !step.info.isLeaf: l += ",\"table_pfn\":\(step.info.payload)"
            case .present, .migration, .device, .hwpoison: l += ",\"pfn\":\(step.info.payload)"
            case .swap: l += ",\"swap_type\":\(step.info.swapType),\"swap_offset\":\(step.info.payload)"
            case .marker: l += ",\"marker\":\(step.info.payload),\"marker_names\":\(JSON.array(markerNames(step.info.payload)))"
            case .none, .other: break
            }
            return l + "}"
        }.joined(separator: ",")
        s += "],\"result\":" + outcomeJSON(t.outcome)
        s += ",\"physical_address\":" + (t.physicalAddress.map { "\"\(Hex.short($0))\"" } ?? "null")
        return s + "}"
    }

    static func outcomeJSON(_ outcome: Translation.Outcome) -> String {
        switch outcome {
        case .mapped(let level, let size, let hugetlb):
            return "{\"kind\":\"mapped\",\"level\":\"\(level)\",\"page_size\":\(size),\"hugetlb\":\(hugetlb)}"
        case .notPresent(let level, let kind, let hugetlb):
            return "{\"kind\":\"not-present\",\"level\":\"\(level)\",\"entry\":\"\(kind)\",\"hugetlb\":\(hugetlb)}"
        case .nonePTE: return "{\"kind\":\"none\",\"level\":\"pte\"}"
        case .hole(let depth): return "{\"kind\":\"hole\",\"depth\":\(depth),\"level\":\"\(depth.level!)\"}"
        case .hugetlbHole: return "{\"kind\":\"hugetlb-hole\"}"
        case .noVMA: return "{\"kind\":\"no-vma\"}"
        case .notWalked: return "{\"kind\":\"not-walked\"}"
        case .stopped(let level): return "{\"kind\":\"stopped\",\"level\":\"\(level)\"}"
        case .notReached: return "{\"kind\":\"not-reached\"}"
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
