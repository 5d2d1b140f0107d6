/// A NONE_RUN record (FORMAT.md 5.4): ``count`` consecutive `pte_entry`
/// calls on PTEs whose raw value is 0. Never crosses a PTE table.
public struct NoneRunRecord: Hashable, Sendable {
    /// The first address of the run.
    public var addr: UInt64
    /// How many none PTEs, one page apart.
    public var count: Int

    /// A NONE_RUN record of `count` none PTEs from `addr`.
    public init(addr: UInt64, count: Int) {
        self.addr = addr
        self.count = count
    }

    /// The end of the run for pages of `pageSize`.
    public func end(pageSize: UInt64) -> UInt64 { addr &+ UInt64(count) * pageSize }
}
