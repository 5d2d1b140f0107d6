/// A HUGETLB record (FORMAT.md 5.6): one `hugetlb_entry` call.
public struct HugetlbRecord: Hashable, Sendable {
    /// The callback's `addr` argument.
    public var addr: UInt64
    /// The callback's `next` argument.
    public var next: UInt64
    /// `huge_page_mask()`: the huge page size is `~hmask + 1`.
    public var hmask: UInt64
    /// The entry's raw value.
    public var raw: UInt64
    /// What the module decoded from the entry.
    public var info: EntryInfo

    /// A HUGETLB record of one `hugetlb_entry` call.
    public init(addr: UInt64, next: UInt64, hmask: UInt64, raw: UInt64, info: EntryInfo) {
        self.addr = addr
        self.next = next
        self.hmask = hmask
        self.raw = raw
        self.info = info
    }

    /// The huge page's size: `~hmask + 1`.
    public var pageSize: UInt64 { ~hmask &+ 1 }
}
