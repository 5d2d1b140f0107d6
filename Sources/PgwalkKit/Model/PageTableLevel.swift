/// A level of the page-table tree, top down, numbered as in the stream
/// (`PGWALK_LEVEL_*`): the kernel's pgd, p4d, pud, pmd and pte.
///
/// Five levels always exist in the model, as in the kernel's generic code;
/// on hardware with fewer levels some are *folded* (one entry per table, see
/// ``PagingGeometry``).
public enum PageTableLevel: Int, CaseIterable, Comparable, Hashable, Sendable, CustomStringConvertible {
    case pgd = 0
    case p4d = 1
    case pud = 2
    case pmd = 3
    case pte = 4

    /// The level below this one, or nil for ``pte``.
    public var below: PageTableLevel? { PageTableLevel(rawValue: rawValue + 1) }

    /// The level above this one, or nil for ``pgd``.
    public var above: PageTableLevel? { PageTableLevel(rawValue: rawValue - 1) }

    public static func < (lhs: PageTableLevel, rhs: PageTableLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String {
        switch self {
        case .pgd: return "pgd"
        case .p4d: return "p4d"
        case .pud: return "pud"
        case .pmd: return "pmd"
        case .pte: return "pte"
        }
    }
}
