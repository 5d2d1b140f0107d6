/// An ENTRY record (FORMAT.md 5.2): one `pgd_entry`, `p4d_entry`,
/// `pud_entry` or `pmd_entry` call and the action the module left.
public struct EntryRecord: Hashable, Sendable {
    /// pgd, p4d, pud or pmd; never pte.
    public var entry: PageTableEntry
    /// The callback's `addr` argument: the first address the entry maps.
    public var addr: UInt64
    /// The callback's `next` argument: the end of what the entry maps.
    public var next: UInt64
    /// The action the module's callback set.
    public var action: WalkAction

    /// An ENTRY record of `entry` over `[addr, next)`.
    public init(entry: PageTableEntry, addr: UInt64, next: UInt64, action: WalkAction) {
        self.entry = entry
        self.addr = addr
        self.next = next
        self.action = action
    }

    /// The level of the callback (and of the entry).
    public var level: PageTableLevel { entry.level }
}
