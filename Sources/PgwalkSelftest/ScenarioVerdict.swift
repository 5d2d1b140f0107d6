import PgwalkKit

/// The outcome of one scenario in `pgwalkctl selftest`.
package enum ScenarioVerdict: Sendable, Equatable {
    case pass(String?)
    /// Which assertion, which page, expected against actual.
    case fail(String)
    /// What the system lacks and how to provide it.
    case skip(String)

    package var word: String {
        switch self {
        case .pass: return "PASS"
        case .fail: return "FAIL"
        case .skip: return "SKIP"
        }
    }

    /// The reason (a failure or skip), or a note on a pass.
    package var reason: String? {
        switch self {
        case .pass(let note): return note
        case .fail(let why), .skip(let why): return why
        }
    }

    package var isFailure: Bool { if case .fail = self { return true } else { return false } }
}
