import PgwalkKit

/// Reads the lines `pgwalk-scenario` prints (docs/SCENARIOS.md 1.2), one at
/// a time, into a ``ScenarioLayout``. Unknown line kinds are ignored, as the
/// protocol asks; a known line that does not parse is an error naming the
/// line, because a checker fed a half-read layout would judge the wrong
/// pages.
package struct ScenarioLayoutParser: Sendable {
    package struct Malformed: Error, CustomStringConvertible, Equatable {
        package var line: String
        package var reason: String
        package var description: String { "pgwalk-scenario printed a malformed line '\(line)': \(reason)" }
    }

    package private(set) var layout = ScenarioLayout()

    package init() {}

    /// True once `ready` or `skip` has been read: the layout is final.
    package var isFinished: Bool { layout.outcome != nil }

    package mutating func consume(_ line: String) throws(Malformed) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let kind = fields.first else { return }
        func fail(_ reason: String) -> Malformed { Malformed(line: line, reason: reason) }
        switch kind {
        case "scenario":
            guard fields.count == 2 else { throw fail("expected 'scenario NAME'") }
            layout.scenario = fields[1]
        case "pid", "pid2":
            guard fields.count == 2, let pid = Int32(fields[1]), pid > 0 else {
                throw fail("expected '\(kind) PID' with a positive decimal pid")
            }
            if kind == "pid" { layout.pid = pid } else { layout.pid2 = pid }
        case "region":
            guard fields.count == 5, let start = Self.number(fields[2]), let end = Self.number(fields[3]) else {
                throw fail("expected 'region NAME START END PERMS' with 0x addresses")
            }
            guard start < end, start % 4096 == 0, end % 4096 == 0 else {
                throw fail("the range is empty or not page aligned")
            }
            guard fields[4].count == 4 else { throw fail("PERMS must be 4 characters like rw-p or ----") }
            layout.regions.append(.init(name: fields[1], start: start, end: end, perms: fields[4]))
        case "page":
            guard fields.count >= 4 else { throw fail("expected 'page REGION FIRST[-LAST] WORD...'") }
            guard let range = Self.indexRange(fields[2]) else {
                throw fail("'\(fields[2])' is not a page index or FIRST-LAST range")
            }
            guard let region = layout.region(fields[1]) else {
                throw fail("no region '\(fields[1])' was printed before it")
            }
            guard range.upperBound < region.pageCount else {
                throw fail("page \(range.upperBound) is past the region's \(region.pageCount) pages")
            }
            let words = Set(fields[3...])
            for index in range { layout.pageWords[fields[1], default: [:]][index, default: []].formUnion(words) }
        case "pfn":
            guard fields.count == 4, let index = Int(fields[2]), index >= 0, let pfn = Self.number(fields[3]) else {
                throw fail("expected 'pfn REGION INDEX PFN'")
            }
            layout.pfns[fields[1], default: [:]][index] = pfn
        case "fact":
            guard fields.count >= 3 else { throw fail("expected 'fact KEY VALUE...'") }
            // A repeated key (e.g. `fact missing NAME`) collects its values.
            layout.facts[fields[1], default: []] += fields[2...]
        case "ready":
            layout.outcome = .ready
        case "skip":
            let reason = line.drop { $0 == " " }.dropFirst(4).drop { $0 == " " }
            layout.outcome = .skip(reason.isEmpty ? "(no reason given)" : String(reason))
        default:
            break
        }
    }

    /// Parses a whole output at once (tests, saved runs).
    package static func parse(_ text: String) throws(Malformed) -> ScenarioLayout {
        var parser = ScenarioLayoutParser()
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            try parser.consume(String(line))
        }
        return parser.layout
    }

    /// `0x` hex or decimal.
    static func number(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
        return UInt64(text)
    }

    static func indexRange(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2, let first = Int(parts[0]), first >= 0 else { return nil }
        let last = parts.count == 2 ? Int(parts[1]) : first
        guard let last, last >= first else { return nil }
        return first...last
    }
}
