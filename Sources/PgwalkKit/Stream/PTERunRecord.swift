/// A PTE_RUN record (FORMAT.md 5.3): consecutive `pte_entry` calls, one page
/// apart from ``addr``, on entries that are not plain zeros. Never crosses a
/// PTE table.
public struct PTERunRecord: Hashable, Sendable {
    public var addr: UInt64
    public var entries: [PTEValue]

    /// One element: the raw PTE and its info word.
    public struct PTEValue: Hashable, Sendable {
        public var raw: UInt64
        public var info: EntryInfo
        public init(raw: UInt64, info: EntryInfo) {
            self.raw = raw
            self.info = info
        }
    }

    public init(addr: UInt64, entries: [PTEValue]) {
        self.addr = addr
        self.entries = entries
    }

    /// The end of the run's coverage: `addr + count * pageSize`.
    public func end(pageSize: UInt64) -> UInt64 { addr &+ UInt64(entries.count) * pageSize }
}
