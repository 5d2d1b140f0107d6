/// Which kernel's `walk_page_range()` a ``PageWalker`` mirrors: one property
/// per difference between the mm/pagewalk.c of the kernels pgwalk supports
/// (Linux 6.1, 6.12 and 7.3) that a walk of a user `mm` can show.
///
/// The differences, read from each kernel's own mm/pagewalk.c (Debian's
/// 6.1.192, 6.12.117, 7.2.12 and 7.3.4 sources; docs/WALKER.md has the full
/// table, with what does *not* differ):
///
/// | property | 6.1 | 6.12.117 | 7.3 | mainline |
/// |---|---|---|---|---|
/// | ``retriesUnmappedPTETable`` | no | yes | yes | 6.5 |
/// | ``rechecksPUDBeforePMDs`` | no | yes | yes | by 7.2; 6.12.84 |
/// | ``resetsActionBeforeNoneCheck`` | no | yes | yes | by 7.2; 6.12.115 |
/// | ``locksHugetlbVMA`` | no | yes | yes | 6.2 |
/// | ``hasWalkLock`` | no | yes | yes | 6.5; 6.4.12 |
/// | ``hasInstallPTE`` | no | no | yes | 6.13 |
///
/// The first three change the calls the walker makes; the last three change
/// only what a callback may do or what `mm_walk_ops` holds, and are here so
/// that a caller can tell (the walker's calls do not depend on them).
///
/// Pick the semantics of the kernel a stream came from with
/// ``init(linuxVersionCode:)`` (the stream header's `kernel_version`), or a
/// preset. Versions newer than any known get ``newest``.
public struct WalkerSemantics: Hashable, Sendable, CustomStringConvertible {
    /// `pte_offset_map_lock()` may fail (Linux 6.5, "mm/pagewalk:
    /// walk_pte_range() allow for pte_offset_map()"): when the PTE table
    /// under a PMD cannot be mapped (it was freed, or the PMD became huge,
    /// none or bad since `pmd_entry` looked), `walk_pte_range()` calls no
    /// `pte_entry`, sets `ACTION_AGAIN`, and `walk_pmd_range()` starts the
    /// slot again: `pmd_entry` is called a second time (or `pte_hole`, if
    /// the PMD is now none). `walk_pmd_range()` also honours an
    /// `ACTION_AGAIN` left by `pte_entry`, and the 6.1 re-check
    /// `pmd_trans_unstable()` after `split_huge_pmd()` is gone (the failing
    /// map does its job). Without it (6.1) the PTE table is always walked.
    /// The source says when a map fails:
    /// ``PageTableSource/mapsPTETable(at:attempt:)``.
    public var retriesUnmappedPTETable: Bool

    /// `walk_pmd_range()` reads the PUD first and, when it is not a present
    /// table (split and refaulted as huge, zapped, or a non-present entry),
    /// sets `ACTION_AGAIN` and returns; `walk_pud_range()` then starts the
    /// slot again after the PMD walk when the action is `ACTION_AGAIN`
    /// ("mm/pagewalk: fix race between concurrent split and refault"). The
    /// 6.1 walker instead re-checks only `pud_none()` after
    /// `split_huge_pud()` and otherwise walks the PMDs under whatever the
    /// PUD holds. A zapped huge PUD reads as a hole either way; a
    /// non-present, non-none PUD that `pud_entry` lets the walker descend
    /// into gets `pud_entry` again with this, the PMDs below it without.
    public var rechecksPUDBeforePMDs: Bool

    /// `walk->action` is set to `ACTION_SUBTREE` at the top of each PUD and
    /// PMD slot, before the none check ("mm/pagewalk: fix stale
    /// walk->action escaping walk_pmd_range()"), instead of just before
    /// `pud_entry`/`pmd_entry`. `pte_hole` then sees SUBTREE, and an
    /// `ACTION_AGAIN` from a failed PTE map followed by a hole cannot leak
    /// out of `walk_pmd_range()`: with ``rechecksPUDBeforePMDs`` and
    /// without this, such a stale AGAIN makes `walk_pud_range()` call
    /// `pud_entry` and walk the whole PMD table again.
    public var resetsActionBeforeNoneCheck: Bool

    /// `walk_hugetlb_range()` holds `hugetlb_vma_lock_read()` around the
    /// `hugetlb_entry` calls and finds entries with `hugetlb_walk()` (6.2,
    /// 6.3); 6.1 calls `huge_pte_offset()` without that lock. Both return
    /// the same slot or NULL (a `pte_hole(-1)`), so the calls are the same;
    /// a `hugetlb_entry` that takes the hugetlb VMA lock itself deadlocks
    /// with it.
    public var locksHugetlbVMA: Bool

    /// `mm_walk_ops.walk_lock` exists (6.5, and 6.4.12 in 6.4.y):
    /// `PGWALK_RDLOCK` asserts the mmap read lock, the write-lock modes
    /// write-lock (or assert) each VMA entered, before `test_walk`. No
    /// calls depend on it; the stream header's `WALK_LOCK` flag says the
    /// module was built with it.
    public var hasWalkLock: Bool

    /// `mm_walk_ops.install_pte` exists (6.13) and `walk_page_range()`
    /// refuses ops that set it with `-EINVAL` before anything else
    /// (`check_ops_valid()`, `check_ops_safe()` in 7.x): only mm's own
    /// `walk_page_range_mm_unsafe()` installs PTEs. A user walk therefore
    /// never reaches it, and ``PageWalkOps`` has no such callback.
    public var hasInstallPTE: Bool

    /// The kernel these semantics were chosen for or named after,
    /// `LINUX_VERSION_CODE` (`major << 16 | minor << 8 | min(patch, 255)`).
    public var linuxVersionCode: UInt32

    /// Semantics spelled out property by property (for a kernel with
    /// backports of its own).
    public init(retriesUnmappedPTETable: Bool, rechecksPUDBeforePMDs: Bool, resetsActionBeforeNoneCheck: Bool,
                locksHugetlbVMA: Bool, hasWalkLock: Bool, hasInstallPTE: Bool, linuxVersionCode: UInt32) {
        self.retriesUnmappedPTETable = retriesUnmappedPTETable
        self.rechecksPUDBeforePMDs = rechecksPUDBeforePMDs
        self.resetsActionBeforeNoneCheck = resetsActionBeforeNoneCheck
        self.locksHugetlbVMA = locksHugetlbVMA
        self.hasWalkLock = hasWalkLock
        self.hasInstallPTE = hasInstallPTE
        self.linuxVersionCode = linuxVersionCode
    }

    /// The semantics of the kernel with this `LINUX_VERSION_CODE`: mainline
    /// from the release where each change landed, plus the 6.12 stable
    /// releases known to carry a backport (Debian's changelog names them).
    /// Other stable series are taken as mainline of their base release; a
    /// version newer than 7.3 gets ``newest``'s behaviour, one older than
    /// 6.1 the 6.1 semantics, and 0 (unknown) ``newest``.
    public init(linuxVersionCode code: UInt32) {
        if code == 0 {
            self = .newest
            return
        }
        func atLeast(_ major: UInt32, _ minor: UInt32, _ patch: UInt32 = 0) -> Bool {
            code >= Self.versionCode(major, minor, patch)
        }
        let in612y = atLeast(6, 12) && !atLeast(6, 13)
        self.init(
            retriesUnmappedPTETable: atLeast(6, 5),
            rechecksPUDBeforePMDs: atLeast(7, 2) || (in612y && atLeast(6, 12, 84)),
            resetsActionBeforeNoneCheck: atLeast(7, 2) || (in612y && atLeast(6, 12, 115)),
            locksHugetlbVMA: atLeast(6, 2),
            hasWalkLock: atLeast(6, 5) || (atLeast(6, 4, 12) && !atLeast(6, 5)),
            hasInstallPTE: atLeast(6, 13),
            linuxVersionCode: code)
    }

    /// `KERNEL_VERSION(major, minor, patch)`; the patch level saturates at
    /// 255 as in the kernel's `LINUX_VERSION_CODE`.
    public static func versionCode(_ major: UInt32, _ minor: UInt32, _ patch: UInt32 = 0) -> UInt32 {
        major << 16 | min(minor, 255) << 8 | min(patch, 255)
    }

    /// Debian 12's 6.1.0 kernels (6.1.192): the walker before all of the
    /// changes above.
    public static let linux6_1 = WalkerSemantics(linuxVersionCode: versionCode(6, 1, 192))

    /// Debian 13's 6.12 kernels (6.12.117): all but `install_pte`, with the
    /// PUD re-check and the action reset backported (6.12.84, 6.12.115).
    public static let linux6_12 = WalkerSemantics(linuxVersionCode: versionCode(6, 12, 117))

    /// Linux 7.3 (7.3.4, Debian 13's backports).
    public static let linux7_3 = WalkerSemantics(linuxVersionCode: versionCode(7, 3, 4))

    /// The newest kernel modelled; the default of ``PageWalker``.
    public static let newest = linux7_3

    /// The semantics of the kernel named `major.minor[.patch]` (`"6.12"`,
    /// `"7.3.4"`), or nil when `text` is not such a version.
    public init?(kernelVersion text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count) else { return nil }
        var numbers: [UInt32] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 5, part.allSatisfy({ ("0"..."9").contains($0) }),
                  let number = UInt32(part) else { return nil }
            numbers.append(number)
        }
        guard numbers[0] > 0, numbers[0] <= 255 else { return nil }
        self.init(linuxVersionCode: Self.versionCode(numbers[0], numbers[1], numbers.count == 3 ? numbers[2] : 0))
    }

    /// `major.minor.patch` of ``linuxVersionCode``.
    public var kernelVersion: String {
        "\(linuxVersionCode >> 16).\((linuxVersionCode >> 8) & 0xff).\(linuxVersionCode & 0xff)"
    }

    public var description: String { "Linux \(kernelVersion) walk_page_range() semantics" }
}
