/// Reads little-endian integers from a byte slice by explicit shifts, never
/// by reinterpreting memory, so untrusted input cannot misalign or overrun.
struct LittleEndianReader {
    let bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    /// The byte count available; callers check lengths before reading.
    var count: Int { bytes.count }

    func u8(_ offset: Int) -> UInt8 { bytes[bytes.startIndex + offset] }

    func u16(_ offset: Int) -> UInt16 {
        UInt16(u8(offset)) | UInt16(u8(offset + 1)) << 8
    }

    func u32(_ offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in (0..<4).reversed() { value = value << 8 | UInt32(u8(offset + index)) }
        return value
    }

    func u64(_ offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<8).reversed() { value = value << 8 | UInt64(u8(offset + index)) }
        return value
    }

    func s32(_ offset: Int) -> Int32 { Int32(bitPattern: u32(offset)) }
    func s64(_ offset: Int) -> Int64 { Int64(bitPattern: u64(offset)) }

    func slice(_ offset: Int, _ length: Int) -> ArraySlice<UInt8> {
        bytes[(bytes.startIndex + offset)..<(bytes.startIndex + offset + length)]
    }
}
