/// `enum page_walk_action`: what an entry callback asks the walker to do next
/// with the entry it was given (`walk->action`).
///
/// The walker resets the action to ``subtree`` before each `pud_entry` and
/// `pmd_entry` call; `pgd_entry` and `p4d_entry` leave it as it was and the
/// walker ignores it at those levels (Linux 6.1 behaviour).
public enum WalkAction: UInt16, Hashable, Sendable, CustomStringConvertible {
    /// Descend into the entry's table (splitting a huge leaf first when the
    /// lower callbacks are set).
    case subtree = 0
    /// Do not descend; go on with the next entry.
    case `continue` = 1
    /// Read the entry again and call the callback again.
    case again = 2

    public var description: String {
        switch self {
        case .subtree: return "SUBTREE"
        case .continue: return "CONTINUE"
        case .again: return "AGAIN"
        }
    }
}
