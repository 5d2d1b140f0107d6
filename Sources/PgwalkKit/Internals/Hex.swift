/// Hexadecimal addresses and values as every output of pgwalk writes them.
package enum Hex {
    /// `0x` and 16 hex digits: addresses line up in columns.
    package static func address(_ value: UInt64) -> String {
        "0x" + String(value, radix: 16).leftPadded(to: 16, with: "0")
    }

    /// `0x` and as many hex digits as the value needs.
    package static func short(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}
