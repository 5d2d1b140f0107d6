/// How the module reaches a kernel function that mainline does not export:
/// the `walk_page_range` and `ptrace_may_access` keys of its info file
/// (docs/FORMAT.md section 9, kmod/README.md).
public enum CallPath: Sendable, Equatable, CustomStringConvertible {
    /// The kernel exports the function; the module calls it directly.
    case exported
    /// The module calls a stub of its own, which an IPMODIFY ftrace_ops
    /// redirects to the function's entry: no indirect call, so it works
    /// where kernel IBT is enforced.
    case ftrace
    /// A value this client does not know, kept as the module wrote it
    /// (modules before the ftrace path wrote `kprobe`).
    case other(String)

    /// The call path an info file value names.
    public init(infoValue: String) {
        switch infoValue {
        case "exported": self = .exported
        case "ftrace": self = .ftrace
        default: self = .other(infoValue)
        }
    }

    public var description: String {
        switch self {
        case .exported: "exported"
        case .ftrace: "ftrace"
        case .other(let value): value
        }
    }

    /// The path for `pgwalkctl info`, with the calls redirected so far when
    /// the module counts them: "ftrace (12 calls redirected)".
    public func summary(redirects: UInt64?) -> String {
        guard self == .ftrace, let redirects else { return description }
        return "ftrace (\(redirects) call\(redirects == 1 ? "" : "s") redirected)"
    }
}
