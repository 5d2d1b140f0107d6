/// One VMA that the walk and /proc/PID/maps disagree on: listed by one and
/// not by the other. Two differences are the same when they are on the
/// same side with the same bounds (the name is only for the message); they
/// sort as ``VMAComparison/differences(walked:maps:start:end:)`` lists
/// them, maps' first, each side in address order.
///
/// Not `Hashable`: a `Set` of them would cost every verify the runtime's
/// first conformance lookup for it, which scans every loaded library's
/// conformance records (docs/BENCH.md), to compare lists that are nearly
/// always empty and already in order.
struct VMADifference: Comparable, CustomStringConvertible {
    enum Side: Int {
        /// /proc/PID/maps lists it; the walk did not see it.
        case mapsOnly
        /// The walk saw it; /proc/PID/maps does not list it.
        case walkOnly
    }

    var side: Side
    var start: UInt64
    var end: UInt64
    var name: String

    static func == (a: VMADifference, b: VMADifference) -> Bool {
        (a.side, a.start, a.end) == (b.side, b.start, b.end)
    }

    static func < (a: VMADifference, b: VMADifference) -> Bool {
        (a.side.rawValue, a.start, a.end) < (b.side.rawValue, b.start, b.end)
    }

    var description: String {
        let bounds = "\(Hex.address(start))-\(Hex.address(end))" + (name.isEmpty ? "" : " \(name)")
        switch side {
        case .mapsOnly: return "maps has \(bounds); the walk does not"
        case .walkOnly: return "the walk has \(bounds); maps does not"
        }
    }
}

/// The walk's VMAs against /proc/PID/maps.
enum VMAComparison {
    /// The VMAs of `walked` and `maps` in `[lo, hi)` that only one of them
    /// lists: maps' first, then the walk's, each in address order.
    static func differences(walked: [VerifyReport.VMASummary], maps: [MemoryMapping],
                            start lo: UInt64, end hi: UInt64) -> [VMADifference] {
        // One merge of two lists in address order, their bounds compared as
        // numbers, not a set of strings (20,000 VMAs made 40,000 strings
        // here) nor of hashed pairs (docs/BENCH.md, "Where the time goes").
        // The merge reads spans, bounds and an index, not the VMAs and
        // mappings: copying those (a name each) was most of its cost
        // (change 20). Both kernel files are in that order already (the
        // walker visits VMAs in order, show_map() lists them so); other
        // input is sorted.
        var fromWalk = walked.indices.map { Span(start: walked[$0].vma.start, end: walked[$0].vma.end, index: $0) }
        var fromMaps = spans(of: maps, in: lo..<hi)
        Span.sortIfNeeded(&fromWalk)
        Span.sortIfNeeded(&fromMaps)
        var onlyInMaps: [VMADifference] = [], onlyWalked: [VMADifference] = []
        var w = 0, m = 0
        while w < fromWalk.count || m < fromMaps.count {
            if w > 0, w < fromWalk.count, fromWalk[w] == fromWalk[w - 1] {
                w += 1 // the same VMA reported again (a resumed walk): once
                continue
            }
            if m < fromMaps.count, w < fromWalk.count, fromMaps[m] == fromWalk[w] {
                m += 1
                w += 1
            } else if m < fromMaps.count, w == fromWalk.count || fromMaps[m] < fromWalk[w] {
                let mapping = maps[fromMaps[m].index]
                onlyInMaps.append(VMADifference(side: .mapsOnly, start: mapping.start, end: mapping.end,
                                                name: mapping.pathname))
                m += 1
            } else {
                let vma = walked[fromWalk[w].index].vma
                onlyWalked.append(VMADifference(side: .walkOnly, start: vma.start, end: vma.end, name: vma.name))
                w += 1
            }
        }
        return onlyInMaps + onlyWalked
    }

    /// Whether nothing in `changed` (``changedRanges(_:_:)`` of two reads)
    /// overlaps `range`: no mapping there was mapped, unmapped, split or
    /// merged between the two reads (as far as two reads can tell).
    static func isStill(_ range: Range<UInt64>, changed: [Range<UInt64>]) -> Bool {
        !changed.contains { $0.overlaps(range) }
    }

    /// The address ranges of the mappings that only one of `before` and
    /// `after` lists, by their bounds, in address order: what was mapped,
    /// unmapped, moved, split or merged between the two reads.
    static func changedRanges(_ before: [MemoryMapping], _ after: [MemoryMapping]) -> [Range<UInt64>] {
        var old = spans(of: before, in: 0..<UInt64.max), new = spans(of: after, in: 0..<UInt64.max)
        Span.sortIfNeeded(&old)
        Span.sortIfNeeded(&new)
        var changed = [Range<UInt64>]()
        var o = 0, n = 0
        while o < old.count || n < new.count {
            if o < old.count, n < new.count, old[o] == new[n] {
                o += 1
                n += 1
            } else if o < old.count, n == new.count || old[o] < new[n] {
                changed.append(old[o].start..<old[o].end)
                o += 1
            } else {
                changed.append(new[n].start..<new[n].end)
                n += 1
            }
        }
        return changed
    }

    /// The mappings of `maps` that overlap `range`, as spans (the vsyscall
    /// page is not a VMA: the walk never has it).
    private static func spans(of maps: [MemoryMapping], in range: Range<UInt64>) -> [Span] {
        var spans = [Span]()
        spans.reserveCapacity(maps.count)
        for i in maps.indices where maps[i].end > range.lowerBound && maps[i].start < range.upperBound
            && maps[i].kind != .vsyscall {
            spans.append(Span(start: maps[i].start, end: maps[i].end, index: i))
        }
        return spans
    }

    /// A VMA's or a mapping's bounds, and where it is in its list. Spans
    /// compare by their bounds alone.
    private struct Span: Comparable {
        var start: UInt64
        var end: UInt64
        var index: Int

        static func < (a: Span, b: Span) -> Bool { (a.start, a.end) < (b.start, b.end) }
        static func == (a: Span, b: Span) -> Bool { (a.start, a.end) == (b.start, b.end) }

        static func sortIfNeeded(_ spans: inout [Span]) {
            if spans.indices.dropFirst().contains(where: { spans[$0] < spans[$0 - 1] }) { spans.sort() }
        }
    }
}

/// Which VMA differences of a running target are persistent, look after
/// look, as ``Verifier`` re-checks pages: a difference is persistent when
/// every look found it, and every look after the first found it where
/// /proc/PID/maps, read just before and just after that look's walk, did
/// not change. A target that maps and unmaps while it is walked shows
/// differences that move from look to look, or that sit where its maps
/// changed during the walk: those are transient (docs/VERIFY.md, "VMAs").
struct VMADifferenceRecheck {
    /// How many differences the first look found.
    private let firstCount: Int
    /// The differences every look so far found, sorted.
    private var persistent: [VMADifference]

    /// The differences the first look found (its maps read during its walk).
    init(first: [VMADifference]) {
        firstCount = first.count
        persistent = first.sorted()
    }

    /// Whether another look can still change the outcome.
    var isSettled: Bool { persistent.isEmpty }

    /// One more look: its walk's differences against `mapsAfter`, with the
    /// maps read before the walk (`mapsBefore`) and after it.
    mutating func lookAgain(_ look: [VMADifference], mapsBefore: [MemoryMapping], mapsAfter: [MemoryMapping]) {
        // The reads compared once, not once per difference: a target
        // with thousands of VMAs can differ in thousands of them.
        let changed = VMAComparison.changedRanges(mapsBefore, mapsAfter)
        let stillHere = look.filter { VMAComparison.isStill($0.start..<$0.end, changed: changed) }.sorted()
        // Both sorted: one merge keeps what both have.
        var kept = [VMADifference]()
        var p = 0, s = 0
        while p < persistent.count, s < stillHere.count {
            if persistent[p] < stillHere[s] {
                p += 1
            } else if stillHere[s] < persistent[p] {
                s += 1
            } else {
                kept.append(persistent[p])
                p += 1
                s += 1
            }
        }
        persistent = kept
    }

    /// The persistent differences, maps' first, each side in address order.
    var persistentDifferences: [VMADifference] { persistent }

    /// How many of the first look's differences were not persistent.
    var transientCount: Int { firstCount - persistent.count }
}
