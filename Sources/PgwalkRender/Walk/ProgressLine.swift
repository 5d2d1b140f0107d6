import PgwalkKit
import SystemPackage

/// The progress line of long work (`walk`, `verify`) on a terminal: where
/// the walk is, by address, redrawn in place on standard error at most ten
/// times a second, once the work has run longer than `after` seconds.
///
/// Whether to show one at all is ``shouldShow(standardOutputIsTerminal:standardErrorIsTerminal:machineReadable:)``'s
/// decision: only for people at a terminal, never into a file, a pipe or
/// JSON.
package final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let end: UInt64
    private let after: Double
    private let fd: FileDescriptor
    private let stopwatch = Stopwatch()
    private var lastDrawn = -1.0
    private var visible = false
    private var calls = 0

    /// Seconds before the line first appears, unless the environment says
    /// otherwise (`PGWALK_PROGRESS_AFTER`, for tests).
    package static func delay(environment: [String: String]) -> Double {
        environment["PGWALK_PROGRESS_AFTER"].flatMap(Double.init) ?? 1.0
    }

    /// Progress goes to standard error, between the lines of the output on
    /// standard output: only when both are a terminal, and never with
    /// machine-readable output (JSON, CSV), which a script reads.
    package static func shouldShow(standardOutputIsTerminal: Bool, standardErrorIsTerminal: Bool,
                                  machineReadable: Bool) -> Bool {
        standardOutputIsTerminal && standardErrorIsTerminal && !machineReadable
    }

    package init(label: String, end: UInt64, after: Double = 1.0, fileDescriptor: FileDescriptor = .standardError) {
        self.label = label
        self.end = end
        self.after = after
        self.fd = fileDescriptor
    }

    /// The work has reached `address`.
    package func update(address: UInt64) {
        // The clock is read once every 64 calls: rows come fast.
        calls &+= 1
        guard calls & 63 == 1 || after == 0 else { return }
        let now = stopwatch.seconds
        guard now >= after, now - lastDrawn >= 0.1 else { return }
        lastDrawn = now
        visible = true
        let text = "\r\u{1b}[K\(label): at \(Hex.address(address)) of \(Hex.address(end)), "
            + String(Int(now)) + " s"
        _ = try? fd.writeAll(text.utf8)
    }

    /// Erases the line (before output is written, and at the end).
    package func clear() {
        guard visible else { return }
        visible = false
        _ = try? fd.writeAll("\r\u{1b}[K".utf8)
    }
}

/// A ``WalkRenderer`` that reports each VMA and row's address to a
/// ``ProgressLine`` and hands it on.
package final class ProgressWalkRenderer: WalkRenderer {
    private let base: WalkRenderer
    private let progress: ProgressLine

    package init(_ base: WalkRenderer, progress: ProgressLine) {
        self.base = base
        self.progress = progress
    }

    package func begin(_ description: WalkDescription) { base.begin(description) }
    package func vma(_ vma: VMA) {
        progress.update(address: vma.start)
        base.vma(vma)
    }
    package func row(_ row: MappingRow) {
        progress.update(address: row.start)
        base.row(row)
    }
    package func end(status: Int32) {
        progress.clear()
        base.end(status: status)
    }
}
