/// What a page-table entry is, architecture independently (bits 0-3 of the
/// info word, FORMAT.md section 4).
public enum EntryKind: UInt8, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// `p?d_none()`: nothing there.
    case none = 0
    /// Present: maps memory (with ``EntryFlags/leaf``) or points to a table.
    case present = 1
    /// A swap entry; the payload is the swap offset.
    case swap = 2
    /// A migration entry; the payload is the PFN being migrated.
    case migration = 3
    /// A device-private or device-exclusive entry; the payload is the PFN.
    case device = 4
    /// A PTE marker; the payload holds the marker bits.
    case marker = 5
    /// A hardware-poison entry; the payload is the PFN.
    case hwpoison = 6
    /// Not present, not none, not recognised.
    case other = 7

    /// Whether the payload of this kind is a page frame number.
    public var payloadIsPFN: Bool {
        switch self {
        case .present, .migration, .device, .hwpoison: return true
        case .none, .swap, .marker, .other: return false
        }
    }

    public var description: String {
        switch self {
        case .none: return "none"
        case .present: return "present"
        case .swap: return "swap"
        case .migration: return "migration"
        case .device: return "device"
        case .marker: return "marker"
        case .hwpoison: return "hwpoison"
        case .other: return "other"
        }
    }
}
