/// The decoded, architecture-independent description of one page-table entry
/// that the module sends with every raw value (FORMAT.md section 4).
///
/// Layout: kind in bits 0-3, flags in 4-18, swap type in 19-23, a 40-bit
/// payload in 24-63. The raw word round-trips unchanged through
/// ``rawValue``.
public struct EntryInfo: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The info word as the stream carries it: kind, flags and payload bits.
    public let rawValue: UInt64

    static let kindMask: UInt64 = 0xf
    static let swapTypeShift: UInt64 = 19
    static let swapTypeMask: UInt64 = 0x1f
    static let payloadShift: UInt64 = 24
    /// The largest payload the word can hold (40 bits).
    public static let payloadMax: UInt64 = (1 << 40) - 1
    /// The payload's bits in the word.
    static let payloadFieldMask: UInt64 = payloadMax << payloadShift

    /// Decodes an info word; nil if its kind (bits 0-3) is not one the
    /// format defines.
    public init?(rawValue: UInt64) {
        guard EntryKind(rawValue: UInt8(rawValue & Self.kindMask)) != nil else { return nil }
        self.rawValue = rawValue
    }

    /// Builds an info word. A payload wider than 40 bits is cut and
    /// ``EntryFlags/truncated`` set, as the module does.
    public init(kind: EntryKind, flags: EntryFlags = [], swapType: UInt8 = 0, payload: UInt64 = 0) {
        var flags = flags
        var payload = payload
        if payload > Self.payloadMax {
            payload &= Self.payloadMax
            flags.insert(.truncated)
        }
        self.rawValue = UInt64(kind.rawValue)
            | (flags.rawValue & EntryFlags.mask)
            | ((UInt64(swapType) & Self.swapTypeMask) << Self.swapTypeShift)
            | (payload << Self.payloadShift)
    }

    /// The none entry: kind NONE, no flags, payload 0.
    public static let none = EntryInfo(kind: .none)

    /// What sort of entry it is.
    public var kind: EntryKind { EntryKind(rawValue: UInt8(rawValue & Self.kindMask))! }
    /// The entry's flags.
    public var flags: EntryFlags { EntryFlags(rawValue: rawValue & EntryFlags.mask) }
    /// `swp_type()` of a swap-format entry.
    public var swapType: UInt8 { UInt8((rawValue >> Self.swapTypeShift) & Self.swapTypeMask) }
    /// PFN, swap offset or marker bits, depending on ``kind``.
    public var payload: UInt64 { rawValue >> Self.payloadShift }

    /// The PFN for kinds whose payload is one, else nil. It is 0 when the
    /// stream was recorded without `PFN_VISIBLE`.
    public var pfn: UInt64? { kind.payloadIsPFN ? payload : nil }

    /// The swap offset of a SWAP entry, else nil.
    public var swapOffset: UInt64? { kind == .swap ? payload : nil }

    /// Whether the entry maps a page itself (a PTE or a huge leaf), not a table.
    public var isLeaf: Bool { flags.contains(.leaf) }

    /// A present entry that points to a next-level table.
    public var isTable: Bool { kind == .present && !isLeaf }

    /// A copy with a different payload (flags and kind unchanged).
    public func withPayload(_ newPayload: UInt64) -> EntryInfo {
        EntryInfo(kind: kind, flags: flags, swapType: swapType, payload: newPayload)
    }

    public var description: String {
        var text = "\(kind) \(flags)"
        if kind == .swap || kind == .migration { text += " type=\(swapType)" }
        if kind != .none { text += " payload=0x\(String(payload, radix: 16))" }
        return text
    }
}
