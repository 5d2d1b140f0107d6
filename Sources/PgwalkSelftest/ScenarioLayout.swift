import PgwalkKit

/// What a run of `pgwalk-scenario NAME` said about itself: the typed form of
/// the lines of docs/SCENARIOS.md section 1.2.
package struct ScenarioLayout: Sendable, Equatable {
    /// A named address range `[start, end)` and the perms of the VMA at its
    /// start as /proc/PID/maps printed them (`----`: no VMA any more).
    package struct Region: Sendable, Equatable {
        package var name: String
        package var start: UInt64
        package var end: UInt64
        package var perms: String

        package var pageCount: Int { Int((end - start) / 4096) }
        package func address(ofPage index: Int) -> UInt64 { start + UInt64(index) * 4096 }
    }

    /// How the run ended: `ready` (hold still, walk it) or `skip REASON`.
    package enum Outcome: Sendable, Equatable {
        case ready
        case skip(String)
    }

    package var scenario = ""
    package var pid: Int32 = 0
    package var pid2: Int32?
    package var regions: [Region] = []
    /// Words per page index, per region (`page REGION FIRST[-LAST] WORD...`).
    package var pageWords: [String: [Int: Set<String>]] = [:]
    /// PFNs before an operation: `pfn REGION INDEX PFN`.
    package var pfns: [String: [Int: UInt64]] = [:]
    /// `fact KEY VALUE...`: the values, space separated as printed.
    package var facts: [String: [String]] = [:]
    package var outcome: Outcome?

    package init() {}

    package func region(_ name: String) -> Region? { regions.first { $0.name == name } }

    package func fact(_ key: String) -> String? { facts[key]?.joined(separator: " ") }

    /// A hex (`0x`) or decimal fact as a number.
    package func numericFact(_ key: String) -> UInt64? {
        guard let text = facts[key]?.first else { return nil }
        return ScenarioLayoutParser.number(text)
    }

    /// The words of page `index` of `region` (empty when no `page` line).
    package func words(_ region: String, _ index: Int) -> Set<String> {
        pageWords[region]?[index] ?? []
    }

    /// The page indices of `region` whose words include every one of `all`
    /// and none of `none`, in order.
    package func pages(_ region: String, with all: Set<String>, without none: Set<String> = []) -> [Int] {
        guard let words = pageWords[region] else { return [] }
        return words.keys.sorted().filter { index in
            let w = words[index]!
            return all.isSubset(of: w) && w.isDisjoint(with: none)
        }
    }
}
