import PgwalkKit

/// Assertions of the scenarios with a second process (pid2) mapping the
/// same addresses: shared anonymous memory, KSM, fork's copy-on-write.
enum ProcessPairAssertions {
    static func anonShared(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "anon-shared"
        let r = try s.region("shared")
        for i in 0..<r.pageCount {
            let a = try s.expectPTE(r, i)
            let b = try s.expectPTE(r, i, pid2: true)
            if a.payload != b.payload {
                throw s.failure(r, i, expected: "the same PFN in pid and pid2",
                                shows: "\(Hex.short(a.payload)) in pid, \(Hex.short(b.payload)) in pid2")
            }
        }
        for pid2 in [false, true] {
            let vma = try s.vma(of: r, pid2: pid2)
            guard vma.backing == .sharedAnonymous, vma.flags.contains(.shared) else {
                throw s.fail("the VMA\(pid2 ? " of pid2" : ""): expected backing 3 (shared-anon) with SHARED, "
                             + "module shows \(vma.backing) \(vma.flags)")
            }
        }
        return s.pfnVisible ? nil : "PFNs hidden: sharing not compared"
    }

    static func ksm(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "ksm"
        let r = try s.region("ksm")
        var kpfChecked = false
        for i in 0..<r.pageCount {
            let a = try s.expectPTE(r, i, lacks: [.write])
            let b = try s.expectPTE(r, i, lacks: [.write], pid2: true)
            if a.payload != b.payload {
                throw s.failure(r, i, expected: "one merged page: the same PFN in pid and pid2",
                                shows: "\(Hex.short(a.payload)) in pid, \(Hex.short(b.payload)) in pid2")
            }
            if try s.expectKpageflags(r, i, pfn: a.payload, expected: "KSM", { $0.contains(.ksm) }) {
                kpfChecked = true
            }
        }
        var notes: [String] = []
        if let ms = e.layout.fact("merge_ms") { notes.append("merged in \(ms) ms") }
        if !kpfChecked { notes.append("kpageflags unreadable: KSM flag not checked") }
        return notes.isEmpty ? nil : notes.joined(separator: "; ")
    }

    static func forkCOW(_ e: ScenarioEvidence) throws(AssertionFailure) -> String? {
        var s = ScenarioInspector(e)
        s.assertion = "fork-cow"
        for name in ["before", "after"] {
            let r = try s.region(name)
            for i in 0..<r.pageCount {
                let words = e.layout.words(name, i)
                if words.contains("cow-shared") {
                    let a = try s.expectPTE(r, i, lacks: [.write])
                    let b = try s.expectPTE(r, i, lacks: [.write], pid2: true)
                    if a.payload != b.payload {
                        throw s.failure(r, i, expected: "COW-shared: the same PFN in pid and pid2",
                                        shows: "\(Hex.short(a.payload)) in pid, \(Hex.short(b.payload)) in pid2")
                    }
                } else if words.contains("cow-broken") {
                    let a = try s.expectPTE(r, i, has: [.write])
                    let b = try s.expectPTE(r, i, pid2: true)
                    if s.pfnVisible && a.payload == b.payload {
                        throw s.failure(r, i, expected: "COW broken: different PFNs in pid and pid2",
                                        shows: "\(Hex.short(a.payload)) in both")
                    }
                }
            }
        }
        return s.pfnVisible ? nil : "PFNs hidden: sharing not compared"
    }
}
