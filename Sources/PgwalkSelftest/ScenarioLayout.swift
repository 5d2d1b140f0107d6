import PgwalkKit

/// What a run of `pgwalk-scenario NAME` said about itself: the typed form of
/// the lines of docs/SCENARIOS.md section 1.2.
public struct ScenarioLayout: Sendable, Equatable {
    /// A named address range `[start, end)` and the perms of the VMA at its
    /// start as /proc/PID/maps printed them (`----`: no VMA any more).
    public struct Region: Sendable, Equatable {
        public var name: String
        public var start: UInt64
        public var end: UInt64
        public var perms: String

        public init(name: String, start: UInt64, end: UInt64, perms: String) {
            self.name = name
            self.start = start
            self.end = end
            self.perms = perms
        }

        public var pageCount: Int { Int((end - start) / 4096) }
        public func address(ofPage index: Int) -> UInt64 { start + UInt64(index) * 4096 }
    }

    /// How the run ended: `ready` (hold still, walk it) or `skip REASON`.
    public enum Outcome: Sendable, Equatable {
        case ready
        case skip(String)
    }

    public var scenario = ""
    public var pid: Int32 = 0
    public var pid2: Int32?
    public var regions: [Region] = []
    /// Words per page index, per region (`page REGION FIRST[-LAST] WORD...`).
    public var pageWords: [String: [Int: Set<String>]] = [:]
    /// PFNs before an operation: `pfn REGION INDEX PFN`.
    public var pfns: [String: [Int: UInt64]] = [:]
    /// `fact KEY VALUE...`: the values, space separated as printed.
    public var facts: [String: [String]] = [:]
    public var outcome: Outcome?

    public init() {}

    public func region(_ name: String) -> Region? { regions.first { $0.name == name } }

    public func fact(_ key: String) -> String? { facts[key]?.joined(separator: " ") }

    /// A hex (`0x`) or decimal fact as a number.
    public func numericFact(_ key: String) -> UInt64? {
        guard let text = facts[key]?.first else { return nil }
        return ScenarioLayoutParser.number(text)
    }

    /// The words of page `index` of `region` (empty when no `page` line).
    public func words(_ region: String, _ index: Int) -> Set<String> {
        pageWords[region]?[index] ?? []
    }

    /// The page indices of `region` whose words include every one of `all`
    /// and none of `none`, in order.
    public func pages(_ region: String, with all: Set<String>, without none: Set<String> = []) -> [Int] {
        guard let words = pageWords[region] else { return [] }
        return words.keys.sorted().filter { index in
            let w = words[index]!
            return all.isSubset(of: w) && w.isDisjoint(with: none)
        }
    }
}
