/// One page-table entry as a callback sees it: its level, the raw value the
/// kernel read (`READ_ONCE()`/`ptep_get()`), and the decoded ``EntryInfo``.
///
/// The walker decides none/present/leaf from ``info`` (the raw bits are
/// architecture specific and may have PFN bits hidden).
public struct PageTableEntry: Hashable, Sendable, CustomStringConvertible {
    /// The level of the table the entry is in.
    public var level: PageTableLevel
    /// The raw value of the entry, as the kernel holds it.
    public var raw: UInt64
    /// What the module decoded from the raw value.
    public var info: EntryInfo

    /// An entry at `level` with its raw value and decoded info.
    public init(level: PageTableLevel, raw: UInt64, info: EntryInfo) {
        self.level = level
        self.raw = raw
        self.info = info
    }

    /// An empty slot at `level`: raw 0, kind NONE.
    public static func none(_ level: PageTableLevel) -> PageTableEntry {
        PageTableEntry(level: level, raw: 0, info: .none)
    }

    /// `p?d_none()`.
    public var isNone: Bool { info.kind == .none }
    /// `p?d_present()`.
    public var isPresent: Bool { info.kind == .present }
    /// `p?d_leaf()` for present entries, or a non-present entry standing for a leaf.
    public var isLeaf: Bool { info.isLeaf }

    public var description: String {
        "\(level) raw=0x\(String(raw, radix: 16)) \(info)"
    }
}
