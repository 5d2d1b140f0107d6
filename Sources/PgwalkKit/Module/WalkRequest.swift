/// A request to the module's walk file: which process and which range.
///
/// It renders to the text syntax of docs/FORMAT.md section 2, which the
/// module parses; the same text is what a user would `echo` into the file.
public struct WalkRequest: Sendable, Equatable {
    /// The process whose page tables are walked.
    public var pid: Int32
    /// The first address walked, page aligned; 0 when nil.
    public var start: UInt64?
    /// The address the walk stops before, page aligned; the target's
    /// user address limit (`mm->task_size`) when nil.
    public var end: UInt64?
    /// Also record every callback the kernel's walker made, in order
    /// (FORMAT.md section 6): what `pgwalkctl conform` replays.
    public var trace: Bool
    /// Let the module write uniform runs of PTEs as PTE_SEQ records
    /// (FORMAT.md 5.10): the same calls and values in a fraction of the
    /// bytes. ``seqByDefault`` unless asked otherwise.
    public var seq: Bool

    /// Whether a request asks for PTE_SEQ records unless told otherwise:
    /// yes, for pgwalkctl (`--seq`, `--no-seq`) and the library alike. Dense
    /// 4 KiB memory then costs about one record per run of page frames
    /// instead of 16 bytes per page. (The module's own default, for a request
    /// without the token, stays off, so a stream written for an older
    /// decoder has no record it does not know.)
    public static let seqByDefault = true

    /// A request for `pid` over `start..<end`, with PTE_SEQ records unless
    /// `seq` says otherwise.
    public init(pid: Int32, start: UInt64? = nil, end: UInt64? = nil, trace: Bool = false,
                seq: Bool = WalkRequest.seqByDefault) {
        self.pid = pid
        self.start = start
        self.end = end
        self.trace = trace
        self.seq = seq
    }

    /// The tokens beyond `pid=`, `start=` and `end=` that this request uses,
    /// which a module may predate (FORMAT.md section 2, the info file's
    /// `request_tokens`).
    public var optionalTokens: [String] {
        (trace ? ["trace"] : []) + (seq ? ["seq"] : [])
    }

    /// The request line written to the walk file.
    public var text: String {
        // Appended, not joined: `joined(separator:)` costs a run-time
        // generic lookup per process (docs/BENCH.md, change 14).
        var text = "pid=\(pid)"
        if let start { text += " start=0x" + String(start, radix: 16) }
        if let end { text += " end=0x" + String(end, radix: 16) }
        if trace { text += " trace" }
        if seq { text += " seq" }
        return text + "\n"
    }
}
