/// The state a walk shares with its callbacks: Swift's `struct mm_walk`.
///
/// Callbacks receive it `inout`; the entry callbacks set ``action``. The
/// `private` pointer of the kernel's struct has no counterpart here: an ops
/// value keeps its own state in its stored properties (its methods are
/// `mutating`).
public struct WalkContext: Sendable {
    /// What the walker does after the current pgd..pmd entry callback
    /// (`walk->action`). Reset to ``WalkAction/subtree`` before each
    /// `pud_entry`/`pmd_entry`; not reset, and not looked at, for
    /// `pgd_entry`/`p4d_entry`.
    public var action: WalkAction = .subtree

    /// The VMA being walked (`walk->vma`); nil in holes outside any VMA.
    public internal(set) var vma: VMA?

    /// The shape of the tree being walked.
    public let geometry: PagingGeometry

    /// The context of a walk of `geometry`, in `vma`.
    public init(geometry: PagingGeometry, vma: VMA? = nil) {
        self.geometry = geometry
        self.vma = vma
    }
}
