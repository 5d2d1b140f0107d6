/// What backs a VMA (`arg8` of a VMA record).
public enum VMABacking: UInt8, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// Private anonymous memory.
    case anonymous = 0
    /// A file.
    case file = 1
    /// A mapping the kernel names: `[heap]`, `[stack]`, `[vdso]`, ...
    case special = 2
    /// Shared anonymous memory (shmem with no file).
    case sharedAnonymous = 3

    public var description: String {
        switch self {
        case .anonymous: return "anon"
        case .file: return "file"
        case .special: return "special"
        case .sharedAnonymous: return "shared-anon"
        }
    }
}
