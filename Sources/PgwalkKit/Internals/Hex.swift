/// Hexadecimal addresses and values as every output of pgwalk writes them.
package enum Hex {
    /// `0x` and 16 hex digits: addresses line up in columns. Written into
    /// the string's own storage, digit by digit: tables print several per
    /// line, and building each from `String(_:radix:)` and padding took a
    /// large share of verify's output for 20,000 VMAs (docs/BENCH.md).
    package static func address(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: addressLength) { bytes in
            writeAddress(value, to: bytes.baseAddress!)
            return addressLength
        }
    }

    /// The bytes ``address(_:)`` writes.
    package static var addressLength: Int { 18 }

    /// Writes ``address(_:)``'s 18 bytes at `bytes`: for the renderers that
    /// build their text as bytes (one call per address; `digit` is inlined
    /// here, where a renderer in another module would call it per digit).
    package static func writeAddress(_ value: UInt64, to bytes: UnsafeMutablePointer<UInt8>) {
        bytes[0] = UInt8(ascii: "0")
        bytes[1] = UInt8(ascii: "x")
        var rest = value
        for i in stride(from: 17, through: 2, by: -1) {
            bytes[i] = digit(UInt8(truncatingIfNeeded: rest & 0xf))
            rest >>= 4
        }
    }

    /// `0x` and as many hex digits as the value needs.
    package static func short(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// The lowercase hex digit of `nibble` (0-15), as `String(_:radix:)`
    /// writes it.
    package static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
