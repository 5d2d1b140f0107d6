import Testing
@testable import PgwalkKit

/// Addresses are `0x` and 16 lowercase hex digits, whatever the value.
@Suite struct HexTests {
    @Test(arguments: [UInt64(0), 1, 0xf, 0x10, 0xabc_def, 0x7fff_ffff_f000, 0x00ff_ffff_ffff_f000,
                      0xffff_ffff_ff60_0000, UInt64.max, 0x1234_5678_9abc_def0])
    func addressIsZeroPaddedLowercaseHex(value: UInt64) {
        let text = Hex.address(value)
        #expect(text.utf8.count == 18)
        #expect(text.hasPrefix("0x"))
        #expect(UInt64(text.dropFirst(2), radix: 16) == value)
        #expect(text == text.lowercased())
    }

    @Test func knownValues() {
        #expect(Hex.address(0) == "0x0000000000000000")
        #expect(Hex.address(0x7ffd_1234_a000) == "0x00007ffd1234a000")
        #expect(Hex.address(UInt64.max) == "0xffffffffffffffff")
        #expect(Hex.short(0x7ffd_1234_a000) == "0x7ffd1234a000")
    }
}
