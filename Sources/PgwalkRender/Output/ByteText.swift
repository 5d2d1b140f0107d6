import PgwalkKit

/// Text built directly as UTF-8 bytes, for outputs with a line per VMA or
/// row. Building each such line from `String` pieces (interpolation,
/// `+`, `padded(to:)`) allocated several strings per line: for 20,000
/// VMAs that was 61% of `verify`'s instructions (docs/BENCH.md, "Where
/// the time goes"). Columns are padded by bytes, which equals the
/// characters of the ASCII fields this pads.
struct ByteText {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// The bytes written so far: where a padded column starts.
    var count: Int { bytes.count }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(ascii: Unicode.Scalar) {
        bytes.append(UInt8(ascii: ascii))
    }

    /// `value` in decimal, as `String(value)` writes it.
    mutating func appendDecimal(_ value: UInt64) {
        let first = bytes.count
        var rest = value
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        bytes[first...].reverse()
    }

    /// `value` in decimal with spaces after it up to `width` bytes.
    mutating func appendDecimal(_ value: UInt64, paddedTo width: Int) {
        let column = bytes.count
        appendDecimal(value)
        pad(from: column, to: width)
    }

    /// `0x` and 16 hex digits, as ``Hex/address(_:)`` writes it.
    mutating func appendAddress(_ value: UInt64) {
        // Byte by byte: writing the 18 bytes through a buffer slice was
        // tried and measured no faster in the guest (docs/BENCH.md, change 14).
        bytes.append(UInt8(ascii: "0"))
        bytes.append(UInt8(ascii: "x"))
        for shift in stride(from: 60, through: 0, by: -4) {
            bytes.append(Hex.digit(UInt8(truncatingIfNeeded: value >> UInt64(shift) & 0xf)))
        }
    }

    /// Spaces after what was written since `start`, up to `width` bytes:
    /// `padded(to:)` of an ASCII column.
    mutating func pad(from start: Int, to width: Int) {
        let written = bytes.count - start
        if written < width {
            bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - written))
        }
    }

    /// The text as a `String`.
    var string: String { String(decoding: bytes, as: UTF8.self) }
}
