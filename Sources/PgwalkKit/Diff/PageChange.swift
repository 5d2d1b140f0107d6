/// What happened to one page between two walks of the same address space.
///
/// A page has exactly one change; flags that changed along with it are
/// carried beside it (``ChangeRun/flagsSet``, ``ChangeRun/flagsCleared``).
/// The causes of a new frame are read from the write bit, the one trace they
/// leave in the page tables: a read-only frame replaced by a writable one is
/// a copy-on-write fault; a writable frame replaced by a read-only one is
/// KSM's merge (it maps the shared KSM page write-protected); a frame
/// replaced by one just as writable is a migration (compaction, NUMA,
/// `move_pages()`).
public enum PageChange: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// Nothing present before (no entry, or no VMA), present now.
    case mapped
    /// Present before, nothing now.
    case unmapped
    /// Present before and now, another frame, read-only before and writable now.
    case cowBroken = "cow-broken"
    /// Present before and now, another frame, writable before and read-only now.
    case ksmMerged = "ksm-merged"
    /// Present before and now, another frame, the write bit unchanged.
    case migrated
    /// Mapped by a PMD or PUD leaf before, by PTEs now.
    case thpSplit = "thp-split"
    /// Mapped by PTEs before, by one PMD or PUD leaf now.
    case thpCollapsed = "thp-collapsed"
    /// Present before, a swap entry now.
    case swappedOut = "swapped-out"
    /// A swap entry before, present now.
    case swappedIn = "swapped-in"
    /// The same entry kind and frame (or swap slot, marker), other flags.
    case flagsChanged = "flags-changed"
    /// Any other change of the entry: a marker installed or removed, a
    /// migration entry, a swap entry moved to another slot.
    case other = "changed"

    public var description: String { rawValue }

    /// Whether the page now sits in another frame (the "frame changed" group).
    public var changesFrame: Bool {
        switch self {
        case .cowBroken, .ksmMerged, .migrated: return true
        default: return false
        }
    }
}
