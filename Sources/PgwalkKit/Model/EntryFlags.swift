/// The flag bits of the info word (bits 4-18, FORMAT.md section 4), at their
/// positions in the info word so they can be masked directly.
public struct EntryFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The bits, at their positions in the info word.
    public let rawValue: UInt64
    /// Flags from their bits.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Maps memory directly: a present PTE, a huge PMD/PUD, a hugetlb entry,
    /// or a non-present entry standing for one.
    public static let leaf = EntryFlags(rawValue: 1 << 4)
    /// Writable (for swap-format entries: a writable migration entry).
    public static let write = EntryFlags(rawValue: 1 << 5)
    /// User accessible.
    public static let user = EntryFlags(rawValue: 1 << 6)
    /// Young.
    public static let accessed = EntryFlags(rawValue: 1 << 7)
    /// Written to since the bit was cleared.
    public static let dirty = EntryFlags(rawValue: 1 << 8)
    /// Not executable (NX).
    public static let noExec = EntryFlags(rawValue: 1 << 9)
    /// Global: kept in the TLB across address spaces.
    public static let global = EntryFlags(rawValue: 1 << 10)
    /// Soft-dirty: written since soft-dirty bits were cleared.
    public static let softDirty = EntryFlags(rawValue: 1 << 11)
    /// Write-protected by userfaultfd.
    public static let uffdWP = EntryFlags(rawValue: 1 << 12)
    /// NUMA hinting or PROT_NONE.
    public static let protNone = EntryFlags(rawValue: 1 << 13)
    /// `pte_special()`.
    public static let special = EntryFlags(rawValue: 1 << 14)
    /// Maps the shared zero page (or the huge zero page for a PMD).
    public static let zeroPage = EntryFlags(rawValue: 1 << 15)
    /// `pte_devmap()`: maps device memory (DAX).
    public static let devmap = EntryFlags(rawValue: 1 << 16)
    /// A swap-format entry marked exclusive.
    public static let exclusive = EntryFlags(rawValue: 1 << 17)
    /// The payload did not fit in 40 bits and was cut.
    public static let truncated = EntryFlags(rawValue: 1 << 18)

    /// All bits the format defines for flags.
    public static let mask: UInt64 = 0x7fff << 4

    private static let names: [(EntryFlags, String)] = [
        (.leaf, "LEAF"), (.write, "WRITE"), (.user, "USER"), (.accessed, "ACCESSED"),
        (.dirty, "DIRTY"), (.noExec, "NOEXEC"), (.global, "GLOBAL"), (.softDirty, "SOFT_DIRTY"),
        (.uffdWP, "UFFD_WP"), (.protNone, "PROTNONE"), (.special, "SPECIAL"),
        (.zeroPage, "ZERO_PAGE"), (.devmap, "DEVMAP"), (.exclusive, "EXCLUSIVE"),
        (.truncated, "TRUNCATED"),
    ]

    public var description: String {
        let set = Self.names.filter { contains($0.0) }.map(\.1)
        return set.isEmpty ? "-" : set.joined(separator: "|")
    }
}
