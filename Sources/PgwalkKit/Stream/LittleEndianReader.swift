/// Reads little-endian integers from a byte slice. Every read is bounds
/// checked against the slice and loads unaligned (`loadUnaligned`, then
/// `littleEndian`), so untrusted input can neither misalign nor overrun.
struct LittleEndianReader {
    let bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    /// The byte count available; callers check lengths before reading.
    var count: Int { bytes.count }

    func u8(_ offset: Int) -> UInt8 { bytes[bytes.startIndex + offset] }

    func u16(_ offset: Int) -> UInt16 {
        UInt16(u8(offset)) | UInt16(u8(offset + 1)) << 8
    }

    func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: load(offset)) }

    func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: load(offset)) }

    /// One bounds check and one unaligned load instead of a checked
    /// subscript per byte (the decoder's hottest path, docs/BENCH.md).
    private func load<T: FixedWidthInteger>(_ offset: Int) -> T {
        precondition(offset >= 0 && offset <= bytes.count - MemoryLayout<T>.size, "read past the record")
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }

    func s32(_ offset: Int) -> Int32 { Int32(bitPattern: u32(offset)) }
    func s64(_ offset: Int) -> Int64 { Int64(bitPattern: u64(offset)) }

    func slice(_ offset: Int, _ length: Int) -> ArraySlice<UInt8> {
        bytes[(bytes.startIndex + offset)..<(bytes.startIndex + offset + length)]
    }
}
