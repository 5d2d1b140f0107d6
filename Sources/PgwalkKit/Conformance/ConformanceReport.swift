/// The outcome of replaying a trace: how much was compared and the first
/// difference, if any.
public struct ConformanceReport: Sendable, CustomStringConvertible {
    /// `walk_page_range()` calls replayed.
    public let walks: Int
    /// Events the trace holds.
    public let expectedEvents: Int
    /// Events compared equal before the first difference (all when none).
    public let matchedEvents: Int
    /// The first difference, or nil when the Swift walker reproduced the
    /// trace exactly.
    public let mismatch: ConformanceMismatch?
    /// The kernel walker the Swift walker mirrored.
    public let semantics: WalkerSemantics

    /// Whether the two call sequences were the same.
    public var passed: Bool { mismatch == nil }

    public var description: String {
        let walker = "Linux \(semantics.kernelVersion) walker"
        if let mismatch { return "conformance FAILED (\(walker)) after \(matchedEvents) matching events: \(mismatch)" }
        return "conformance passed: \(expectedEvents) callback events in \(walks) walk_page_range() calls reproduced exactly by the \(walker) model"
    }
}

/// The first point where the Swift walker's calls differ from the kernel's.
public struct ConformanceMismatch: Error, Hashable, Sendable, CustomStringConvertible {
    /// Index in the event sequence (0 is the first WALK_BEGIN).
    public let index: Int
    /// Which `walk_page_range()` call (0-based) it is in.
    public let walk: Int
    /// The stream record the expected event came from, if there is one.
    public let recordIndex: Int?
    /// What the kernel did; nil when the Swift walker made extra calls.
    public let expected: WalkEvent?
    /// What the Swift walker did; nil when it made fewer calls.
    public let actual: WalkEvent?
    /// The event before the difference (the same on both sides), for context.
    public let previous: WalkEvent?

    public var description: String {
        var text = "event #\(index) (walk \(walk)"
        if let recordIndex { text += ", stream record #\(recordIndex)" }
        text += "): expected \(expected.map(String.init(describing:)) ?? "no more calls")"
        text += ", but the Swift walker made \(actual.map(String.init(describing:)) ?? "no more calls")"
        if let previous { text += "; previous call: \(previous)" }
        return text
    }
}
