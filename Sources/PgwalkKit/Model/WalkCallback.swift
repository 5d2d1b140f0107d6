/// The callbacks of `struct mm_walk_ops`, numbered as in STOP records
/// (`PGWALK_CB_*`).
public enum WalkCallback: UInt8, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case pgdEntry = 0
    case p4dEntry = 1
    case pudEntry = 2
    case pmdEntry = 3
    case pteEntry = 4
    case pteHole = 5
    case hugetlbEntry = 6
    case testWalk = 7
    case preVMA = 8
    case postVMA = 9

    /// The entry callback for an upper level (pgd to pmd) or the pte level.
    public static func entry(at level: PageTableLevel) -> WalkCallback {
        WalkCallback(rawValue: UInt8(level.rawValue))!
    }

    /// The kernel's name of the callback, e.g. `pmd_entry`.
    public var description: String {
        switch self {
        case .pgdEntry: return "pgd_entry"
        case .p4dEntry: return "p4d_entry"
        case .pudEntry: return "pud_entry"
        case .pmdEntry: return "pmd_entry"
        case .pteEntry: return "pte_entry"
        case .pteHole: return "pte_hole"
        case .hugetlbEntry: return "hugetlb_entry"
        case .testWalk: return "test_walk"
        case .preVMA: return "pre_vma"
        case .postVMA: return "post_vma"
        }
    }
}
