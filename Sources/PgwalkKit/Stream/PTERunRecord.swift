/// A PTE_RUN record (FORMAT.md 5.3): consecutive `pte_entry` calls, one page
/// apart from ``addr``, on entries that are not plain zeros. Never crosses a
/// PTE table.
public struct PTERunRecord: Hashable, Sendable {
    /// The address of the first PTE.
    public var addr: UInt64
    /// The PTEs, one page apart.
    public var entries: [PTEValue]

    /// One element: the raw PTE and its info word.
    public struct PTEValue: Hashable, Sendable {
        /// The raw value of the PTE.
        public var raw: UInt64
        /// What the module decoded from it.
        public var info: EntryInfo
        /// A PTE from its raw value and info.
        public init(raw: UInt64, info: EntryInfo) {
            self.raw = raw
            self.info = info
        }
    }

    /// A PTE_RUN record of `entries` from `addr`.
    public init(addr: UInt64, entries: [PTEValue]) {
        self.addr = addr
        self.entries = entries
    }

    /// The end of the run's coverage: `addr + count * pageSize`.
    public func end(pageSize: UInt64) -> UInt64 { addr &+ UInt64(entries.count) * pageSize }
}
