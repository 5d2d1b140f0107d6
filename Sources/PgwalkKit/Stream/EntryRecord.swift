/// An ENTRY record (FORMAT.md 5.2): one `pgd_entry`, `p4d_entry`,
/// `pud_entry` or `pmd_entry` call and the action the module left.
public struct EntryRecord: Hashable, Sendable {
    /// pgd, p4d, pud or pmd; never pte.
    public var entry: PageTableEntry
    public var addr: UInt64
    public var next: UInt64
    public var action: WalkAction

    public init(entry: PageTableEntry, addr: UInt64, next: UInt64, action: WalkAction) {
        self.entry = entry
        self.addr = addr
        self.next = next
        self.action = action
    }

    public var level: PageTableLevel { entry.level }
}
