/// What maps a run of pages, as `pgwalkctl map` colours it.
public enum MappingClass: String, CaseIterable, Hashable, Sendable {
    /// A present PTE: a 4 KiB page (or part of a large folio mapped by PTEs).
    case page4K = "4K"
    /// A present PMD or PUD leaf: a transparent huge page.
    case thp = "THP"
    /// A present hugetlb entry.
    case hugetlb
    /// A swap entry.
    case swap
    /// A PTE marker (uffd-wp, guard, swap-in error).
    case marker
    /// A migration, device, hwpoison or unrecognised entry.
    case other
    /// Inside a VMA, nothing mapped (a none entry or a hole).
    case none

    /// The class of the pages of `row`.
    public init(_ row: MappingRow) {
        switch row.kind {
        case .present:
            switch row.placement {
            case .hugetlb: self = .hugetlb
            case .level(let level): self = level == .pte ? .page4K : .thp
            }
        case .swap: self = .swap
        case .marker: self = .marker
        case .none: self = .none
        case .migration, .device, .hwpoison, .other: self = .other
        }
    }

    /// Its colour in the drawing and the legend.
    public var color: String {
        switch self {
        case .page4K: return "#2e9e44"
        case .thp: return "#1f5fd6"
        case .hugetlb: return "#8e3fc4"
        case .swap: return "#f08a00"
        case .marker: return "#d62020"
        case .other: return "#5a4a3a"
        case .none: return "#dcdcdc"
        }
    }
}
