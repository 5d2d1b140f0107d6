import PgwalkKit

/// Text built directly as UTF-8 bytes, for outputs with a line per VMA or
/// row. Building each such line from `String` pieces (interpolation,
/// `+`, `padded(to:)`) allocated several strings per line: for 20,000
/// VMAs that was 61% of `verify`'s instructions (docs/BENCH.md, "Where
/// the time goes"). Columns are padded by bytes, which equals the
/// characters of the ASCII fields this pads.
///
/// Each field is written through a pointer into room the storage already
/// has, not appended byte by byte: an `append` checks capacity and
/// uniqueness each time, which made an address cost 590 instructions and
/// the whole report a fifth of a many-vmas verify (docs/BENCH.md, change 20).
struct ByteText {
    /// The text, `count` bytes, then room for more (zeroes).
    private var storage: [UInt8]
    /// The bytes written so far: where a padded column starts.
    private(set) var count = 0

    init(reservingCapacity capacity: Int) {
        storage = Array(repeating: 0, count: max(capacity, 64))
    }

    /// Writes `size` bytes at the end through `body`, growing the storage
    /// first if it has less room.
    @inline(__always)
    private mutating func write(_ size: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        if storage.count - count < size {
            storage.append(contentsOf: repeatElement(0, count: max(size, storage.count)))
        }
        let at = count
        storage.withUnsafeMutableBufferPointer { body($0.baseAddress! + at) }
        count += size
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            write(utf8.count) { $0.update(from: utf8.baseAddress!, count: utf8.count) }
        }
    }

    mutating func append(ascii: Unicode.Scalar) {
        write(1) { $0.pointee = UInt8(ascii: ascii) }
    }

    /// `value` in decimal, as `String(value)` writes it.
    mutating func appendDecimal(_ value: UInt64) {
        var digits = 1
        var rest = value
        while rest >= 10 {
            digits += 1
            rest /= 10
        }
        rest = value
        write(digits) { p in
            for i in stride(from: digits - 1, through: 0, by: -1) {
                p[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
        }
    }

    /// `value` in decimal with spaces after it up to `width` bytes.
    mutating func appendDecimal(_ value: UInt64, paddedTo width: Int) {
        let column = count
        appendDecimal(value)
        pad(from: column, to: width)
    }

    /// `0x` and 16 hex digits, as ``Hex/address(_:)`` writes it.
    mutating func appendAddress(_ value: UInt64) {
        write(Hex.addressLength) { Hex.writeAddress(value, to: $0) }
    }

    /// Spaces after what was written since `start`, up to `width` bytes:
    /// `padded(to:)` of an ASCII column.
    mutating func pad(from start: Int, to width: Int) {
        let written = count - start
        if written < width {
            write(width - written) { $0.update(repeating: UInt8(ascii: " "), count: width - written) }
        }
    }

    /// The text as a `String`.
    var string: String {
        storage.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[..<count]), as: UTF8.self) }
    }
}
