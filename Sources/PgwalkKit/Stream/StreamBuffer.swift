/// The bytes of a ``ByteSource`` as ``StreamDecoder`` consumes them: read in
/// chunks, holding only what is not yet consumed (at most about one chunk
/// and one record), so memory does not grow with the stream.
///
/// Not generic over the source (each `fill` is handed it): a generic type
/// here would cost a metadata lookup per record wherever the decoder runs
/// unspecialised, as it does for any source outside this module.
struct StreamBuffer {
    private let readSize: Int
    /// Bytes read but not consumed are `storage[start..<end]`; the rest of
    /// `storage` is room for the next read. The storage only grows (to
    /// about `readSize` and one record), so a source that returns a few
    /// bytes per read (a pipe) costs those bytes, not a buffer's worth.
    private var storage = StreamBufferStorage(capacity: 0)
    private var start = 0
    private var end = 0
    /// Stream offset of the first unconsumed byte.
    private(set) var offset: UInt64 = 0

    /// Bytes asked of the source by the first read.
    static let firstReadSize = 16 * 1024

    /// - Parameter readSize: bytes asked of the source per read.
    init(readSize: Int) {
        self.readSize = readSize
    }

    /// Bytes read and not yet consumed.
    var available: Int { end - start }

    /// Makes at least `count` bytes available; false at the end of the stream.
    /// Inlined, because nearly every call finds them there already.
    @inline(__always)
    mutating func fill(_ count: Int, from source: inout some ByteSource) throws(StreamDecodingError) -> Bool {
        if available >= count { return true }
        return try read(count, from: &source)
    }

    /// ``fill(_:from:)`` when the bytes are not all there yet.
    private mutating func read(_ count: Int, from source: inout some ByteSource) throws(StreamDecodingError) -> Bool {
        while available < count {
            // The first read asks for less: most streams (a small process's)
            // are a few KiB (docs/BENCH.md, change 14).
            let want = max(storage.capacity == 0 ? min(readSize, Self.firstReadSize) : readSize, count - available)
            makeRoom(want)
            let got: Int
            do {
                got = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: storage.bytes[end..<(end + want)]))
            } catch {
                throw StreamDecodingError(offset: offset + UInt64(available), recordIndex: nil,
                                          recordType: nil, reason: .readFailed(String(describing: error)))
            }
            if got <= 0 { return false }
            end += min(got, want)
        }
        return true
    }

    /// Moves the unconsumed bytes (less than a record) to the front and
    /// makes `want` bytes of room after them, in storage this buffer alone
    /// holds (a copied decoder reads on in its own).
    private mutating func makeRoom(_ want: Int) {
        let live = available
        if !isKnownUniquelyReferenced(&storage) || storage.capacity < live + want {
            let own = StreamBufferStorage(capacity: max(storage.capacity, live + want))
            own.bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage.bytes[start..<end]))
            storage = own
        } else if start > 0 {
            storage.bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage.bytes[start..<end]))
        }
        start = 0
        end = live
    }

    /// Runs `body` on a reader of the next `count` available bytes. The
    /// reader is valid only during the call.
    @inline(__always)
    func withReader<R, E: Error>(_ count: Int, _ body: (LittleEndianReader) throws(E) -> R) throws(E) -> R {
        precondition(count >= 0 && count <= available, "read past the bytes available")
        return try withExtendedLifetime(storage) { () throws(E) -> R in
            try body(LittleEndianReader(UnsafeRawBufferPointer(rebasing: storage.bytes[start..<(start + count)])))
        }
    }

    mutating func consume(_ count: Int) {
        start += count
        offset += UInt64(count)
    }
}

/// The bytes a ``StreamBuffer`` reads into. Allocated, not filled: a page
/// of room the source never writes (most of a small stream's buffer, all
/// of the read that finds the end) is never touched, so it costs no page
/// fault and no clearing (docs/BENCH.md, change 24).
private final class StreamBufferStorage {
    let bytes: UnsafeMutableRawBufferPointer
    var capacity: Int { bytes.count }

    init(capacity: Int) {
        bytes = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { bytes.deallocate() }
}
