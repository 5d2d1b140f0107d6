/// A NONE_RUN record (FORMAT.md 5.4): ``count`` consecutive `pte_entry`
/// calls on PTEs whose raw value is 0. Never crosses a PTE table.
public struct NoneRunRecord: Hashable, Sendable {
    public var addr: UInt64
    public var count: Int

    public init(addr: UInt64, count: Int) {
        self.addr = addr
        self.count = count
    }

    public func end(pageSize: UInt64) -> UInt64 { addr &+ UInt64(count) * pageSize }
}
