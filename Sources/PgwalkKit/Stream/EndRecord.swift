/// The END record (FORMAT.md 5.9), last in every complete stream.
public struct EndRecord: Hashable, Sendable {
    /// 0, or the negative errno that ended the walk (`-ESRCH`: the target exited).
    public var status: Int32
    /// `walk_page_range()` calls made.
    public var chunks: UInt32
    /// The walk is complete below this address.
    public var walkedTo: UInt64
    /// Bytes before this record, header included.
    public var streamBytes: UInt64
    /// Records before this one.
    public var records: UInt64

    /// An END record with the walk's result and the stream's totals.
    public init(status: Int32, chunks: UInt32, walkedTo: UInt64, streamBytes: UInt64, records: UInt64) {
        self.status = status
        self.chunks = chunks
        self.walkedTo = walkedTo
        self.streamBytes = streamBytes
        self.records = records
    }
}
