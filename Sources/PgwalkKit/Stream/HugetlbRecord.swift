/// A HUGETLB record (FORMAT.md 5.6): one `hugetlb_entry` call.
public struct HugetlbRecord: Hashable, Sendable {
    public var addr: UInt64
    public var next: UInt64
    /// `huge_page_mask()`: the huge page size is `~hmask + 1`.
    public var hmask: UInt64
    public var raw: UInt64
    public var info: EntryInfo

    public init(addr: UInt64, next: UInt64, hmask: UInt64, raw: UInt64, info: EntryInfo) {
        self.addr = addr
        self.next = next
        self.hmask = hmask
        self.raw = raw
        self.info = info
    }

    public var pageSize: UInt64 { ~hmask &+ 1 }
}
