import SystemPackage

/// The kernel's lockdown level, from /sys/kernel/security/lockdown
/// ("none [integrity] confidentiality": the bracketed word is the level).
/// Secure Boot usually turns it on. At `integrity` and above debugfs refuses
/// to open any file that can be written, the walk file among them, and
/// modules load only with a signature the kernel trusts.
public enum KernelLockdown: Sendable, Equatable {
    case none
    case integrity
    case confidentiality
    /// The file is missing (no securityfs or no lockdown LSM) or unreadable.
    case unknown

    /// Where securityfs shows the lockdown state.
    public static let defaultPath = "/sys/kernel/security/lockdown"

    /// Parses the file's one line; `unknown` when no level is bracketed.
    public init(parsing text: String) {
        guard let open = text.firstIndex(of: "["), let close = text[open...].firstIndex(of: "]") else {
            self = .unknown
            return
        }
        switch text[text.index(after: open)..<close] {
        case "none": self = .none
        case "integrity": self = .integrity
        case "confidentiality": self = .confidentiality
        default: self = .unknown
        }
    }

    /// The running kernel's level; `PGWALK_LOCKDOWN` names another file
    /// (for tests).
    public static var current: KernelLockdown {
        let path = Environment.value(of: "PGWALK_LOCKDOWN") ?? defaultPath
        guard let fd = try? FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) else {
            return .unknown
        }
        defer { try? fd.close() }
        var buffer = [UInt8](repeating: 0, count: 128)
        guard let n = try? buffer.withUnsafeMutableBytes({ try fd.read(into: $0) }) else { return .unknown }
        return KernelLockdown(parsing: String(decoding: buffer.prefix(n), as: UTF8.self))
    }

    /// Whether the kernel is locked down: debugfs then refuses the walk file.
    public var isActive: Bool { self == .integrity || self == .confidentiality }

    /// The state as the lockdown file names it.
    public var name: String {
        switch self {
        case .none: return "none"
        case .integrity: return "integrity"
        case .confidentiality: return "confidentiality"
        case .unknown: return "unknown"
        }
    }

    /// What the level forbids that pgwalk needs, and what to do about it.
    public static let advice = "Lockdown (usually turned on by Secure Boot) forbids opening debugfs files that "
        + "can be written, such as /sys/kernel/debug/pgwalk/walk, and loading modules without a signature "
        + "the kernel trusts. Signing the module (with a MOK-enrolled key, as DKMS does; kmod/README.md) "
        + "lets it load, but the walk file stays closed while the kernel is locked down: turn lockdown off "
        + "(disable Secure Boot in the firmware, or 'mokutil --disable-validation') or use a machine "
        + "without it."
}
