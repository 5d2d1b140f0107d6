/// A VMA record (FORMAT.md 5.1): `pre_vma` entering a VMA, or `test_walk`
/// skipping one (``VMAFlags/notWalked``).
public struct VMARecord: Hashable, Sendable {
    /// The VMA.
    public var vma: VMA
    /// The name's bytes as sent (a path need not be valid UTF-8; ``VMA/name``
    /// is its lossy decoding).
    public var nameBytes: [UInt8]

    /// A VMA record of `vma`; `nameBytes` keeps a name that is not UTF-8.
    public init(vma: VMA, nameBytes: [UInt8]? = nil) {
        self.vma = vma
        self.nameBytes = nameBytes ?? Array(vma.name.utf8)
    }

    /// The module skipped this VMA in `test_walk`.
    public var isNotWalked: Bool { vma.flags.contains(.notWalked) }
}
