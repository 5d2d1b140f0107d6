#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The process whose /proc files are read: the caller itself or a pid.
///
/// `.current` reads /proc/self, which needs no pid and cannot name a
/// different process by mistake after a fork.
public enum ProcTarget: Sendable, Hashable, CustomStringConvertible {
    case current
    case process(pid_t)

    /// Parses a command-line style pid: a positive decimal number, or "self".
    public init(parsing text: String) throws {
        let trimmed = text.trimmingWhitespace()
        if trimmed == "self" {
            self = .current
            return
        }
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let value = pid_t(trimmed), value > 0
        else {
            throw ProcfsError(.invalidProcessID(text), operation: "parse pid")
        }
        self = .process(value)
    }

    /// The numeric pid (`getpid()` for `.current`).
    public var pid: pid_t {
        switch self {
        case .current: return getpid()
        case .process(let pid): return pid
        }
    }

    /// /proc/self or /proc/PID.
    public var directory: FilePath {
        switch self {
        case .current: return "/proc/self"
        case .process(let pid): return FilePath("/proc/\(pid)")
        }
    }

    /// A file under the target's /proc directory, e.g. `file("pagemap")`.
    public func file(_ name: String) -> FilePath {
        directory.appending(name)
    }

    public var description: String {
        switch self {
        case .current: return "self"
        case .process(let pid): return String(pid)
        }
    }
}

fileprivate extension String {
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
