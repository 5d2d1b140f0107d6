/// Reads little-endian integers from the bytes of one record or header.
/// Every read is bounds checked against those bytes and loads unaligned
/// (`loadUnaligned`, then `littleEndian`), so untrusted input can neither
/// misalign nor overrun.
///
/// It views the decoder's buffer without owning it: it is valid only inside
/// the ``StreamBuffer/withReader(_:_:)`` call that made it, which is why it
/// is internal. A view, not an `ArraySlice`, because a slice retains and
/// releases the buffer for every record, the decoder's commonest cost
/// after the decoding itself (docs/BENCH.md, change 16).
struct LittleEndianReader {
    private let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The byte count available; callers check lengths before reading.
    var count: Int { bytes.count }

    @inline(__always) func u8(_ offset: Int) -> UInt8 { load(offset) }

    @inline(__always) func u16(_ offset: Int) -> UInt16 { UInt16(littleEndian: load(offset)) }

    @inline(__always) func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: load(offset)) }

    @inline(__always) func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: load(offset)) }

    /// One bounds check and one unaligned load instead of a checked
    /// subscript per byte (the decoder's hottest path, docs/BENCH.md).
    @inline(__always)
    private func load<T: FixedWidthInteger>(_ offset: Int) -> T {
        precondition(offset >= 0 && offset <= bytes.count - MemoryLayout<T>.size, "read past the record")
        return bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
    }

    @inline(__always) func s32(_ offset: Int) -> Int32 { Int32(bitPattern: u32(offset)) }
    @inline(__always) func s64(_ offset: Int) -> Int64 { Int64(bitPattern: u64(offset)) }

    /// A copy of `length` bytes from `offset`: the bytes outlive the reader.
    func copyBytes(_ offset: Int, _ length: Int) -> [UInt8] {
        precondition(offset >= 0 && length >= 0 && offset <= bytes.count - length, "read past the record")
        return Array(bytes[offset..<(offset + length)])
    }
}
