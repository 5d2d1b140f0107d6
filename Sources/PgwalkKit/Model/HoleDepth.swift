/// The `depth` argument of `pte_hole()`: where the walker found nothing.
///
/// -1 means "no VMA here" (a gap between VMAs, a skipped `VM_PFNMAP` VMA under
/// the default test, or a hugetlb page with no page-table entry); 0 to 3 are
/// the level (pgd to pmd) whose entry was none, after the kernel's
/// `real_depth()` folding (see ``PagingGeometry/realDepth(_:)``).
public struct HoleDepth: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The `depth` argument of `pte_hole`: -1 to 3.
    public let rawValue: Int8

    /// Accepts -1 to 3, the only depths `walk_page_range()` produces.
    public init?(rawValue: Int8) {
        guard (-1...3).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// The depth of an entry missing at `level` (pgd to pmd), before folding.
    public init(level: PageTableLevel) {
        precondition(level != .pte, "pte_hole is never called for the pte level")
        self.rawValue = Int8(level.rawValue)
    }

    /// -1: outside any VMA, or a hugetlb page that has no entry.
    public static let noVMA = HoleDepth(rawValue: -1)!

    /// The level this depth names, or nil for ``noVMA``.
    public var level: PageTableLevel? {
        rawValue < 0 ? nil : PageTableLevel(rawValue: Int(rawValue))
    }

    public static func < (lhs: HoleDepth, rhs: HoleDepth) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}
