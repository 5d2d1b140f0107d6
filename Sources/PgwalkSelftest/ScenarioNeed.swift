import PgwalkKit

/// A system setting a scenario needs beyond a stock system
/// (docs/SCENARIOS.md section 2).
package enum ScenarioNeed: Hashable, Sendable, CustomStringConvertible {
    /// Active swap (zram set up when there is none).
    case swap
    /// KSM running and scanning fast.
    case ksm
    /// This many free 2 MiB hugetlb pages.
    case hugetlb2M(Int)
    /// One free 1 GiB hugetlb page.
    case hugetlb1G
    /// THP enabled (always or madvise); `zeroPage`: use_zero_page 1 too.
    case thp(zeroPage: Bool)
    /// The loop and ext4 modules, for a loop-mounted ext2 image.
    case loopAndExt4
    /// 64 KiB anonymous THP (multi-size THP, 6.8+): hugepages-64kB enabled.
    case mthp64K
    /// THP for shmem (memfd, shared anonymous): shmem_enabled not never.
    case shmemTHP

    package var description: String {
        switch self {
        case .swap: return "swap"
        case .ksm: return "KSM"
        case .hugetlb2M(let n): return "\(n) free 2 MiB hugetlb pages"
        case .hugetlb1G: return "a free 1 GiB hugetlb page"
        case .thp(let zero): return zero ? "THP with the huge zero page" : "THP"
        case .loopAndExt4: return "loop and ext4 modules"
        case .mthp64K: return "64 KiB multi-size THP"
        case .shmemTHP: return "shmem THP"
        }
    }
}
