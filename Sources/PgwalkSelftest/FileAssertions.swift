import PgwalkKit

/// Assertions of file-tmpfs and file-disk (docs/SCENARIOS.md section 3): a
/// private mapping of a file, read and partly written, against a shared
/// view of the same file whose PFNs are the page-cache pages, and a second
/// private mapping only read.
enum FileAssertions {
    static func privateAndView(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = e.layout.scenario.isEmpty ? "file" : e.layout.scenario
        let priv = try s.region("private")
        let view = try s.region("view")
        for i in 0..<view.pageCount { try s.expectPresent(view, i, lacks: [.write]) }
        // The mapping only read has no anon_vma, so no anonymous page
        // (NO_ANON_VMA: verify then expects pagemap's file bit on each page
        // without kpageflags); the written one got one with its first COW.
        let readOnly = try s.region("readonly")
        let readOnlyFlags = try s.vma(of: readOnly).flags
        guard readOnlyFlags.contains(.noAnonVMA) else {
            throw s.fail("the private mapping only read: expected NO_ANON_VMA, module shows \(readOnlyFlags)")
        }
        guard try !s.vma(of: priv).flags.contains(.noAnonVMA) else {
            throw s.fail("the private mapping with COW copies: expected an anon_vma, module shows NO_ANON_VMA")
        }
        for i in 0..<readOnly.pageCount {
            try s.expectPresent(readOnly, i, lacks: [.write])
            guard s.pfnVisible else { continue }
            let shown = try s.pfn(readOnly, i), cached = try s.pfn(view, i)
            if shown != cached {
                throw s.failure(readOnly, i, expected: "the view's page-cache PFN \(Hex.short(cached))",
                                shows: "PFN \(Hex.short(shown))")
            }
        }
        var faultAround = 0
        var anonChecked = false
        for i in 0..<priv.pageCount {
            let words = e.layout.words("private", i)
            let cacheInfo = s.pfnVisible ? try s.pfn(view, i) : nil
            if words.contains("cow") {
                try s.expectPresent(priv, i, has: [.write, .dirty])
                let pfn = try s.pfn(priv, i)
                if let cacheInfo, pfn == cacheInfo {
                    throw s.failure(priv, i, expected: "a copy: PFN other than the view's \(Hex.short(cacheInfo))",
                                    shows: "the page-cache PFN \(Hex.short(pfn))")
                }
                if let flags = s.kpageflags(pfn) {
                    anonChecked = true
                    guard flags.contains(.anon) else {
                        throw s.failure(priv, i, expected: "kpageflags ANON (a COW copy)", shows: "kpageflags \(flags)")
                    }
                }
            } else if words.contains("read") {
                try s.expectPresent(priv, i, lacks: [.write])
                let pfn = try s.pfn(priv, i)
                if let cacheInfo, pfn != cacheInfo {
                    throw s.failure(priv, i, expected: "the view's page-cache PFN \(Hex.short(cacheInfo))",
                                    shows: "PFN \(Hex.short(pfn))")
                }
            } else if words.contains("untouched") {
                let page = try s.page(priv, i)
                if page.isEmpty { continue }
                // Fault-around maps neighbouring page-cache pages read-only.
                try s.expectPresent(priv, i, lacks: [.write])
                let pfn = try s.pfn(priv, i)
                if let cacheInfo, pfn != cacheInfo {
                    throw s.failure(priv, i, expected: "NONE, or (fault-around) the page-cache PFN \(Hex.short(cacheInfo))",
                                    shows: "PFN \(Hex.short(pfn))")
                }
                faultAround += 1
            }
        }
        var notes: [String] = []
        if faultAround > 0 { notes.append("\(faultAround) untouched page(s) mapped by fault-around") }
        if !anonChecked { notes.append("kpageflags unreadable: ANON of COW pages not checked") }
        if !s.pfnVisible { notes.append("PFNs hidden: page-cache PFNs not compared") }
        if let backing = e.layout.fact("backing") { notes.insert("on \(backing)", at: 0) }
        return notes.isEmpty ? nil : notes.joined(separator: "; ")
    }
}
