import Testing
@testable import PgwalkRender

/// ``ByteText`` writes numbers and addresses as `String(_:)` and
/// `String(_:radix:)` with zero-padding would, and pads by columns.
@Suite struct ByteTextTests {
    private func text(_ build: (inout ByteText) -> Void) -> String {
        var t = ByteText(reservingCapacity: 0)
        build(&t)
        return t.string
    }

    @Test func decimalsAtTheEdges() {
        #expect(text { $0.appendDecimal(0) } == "0")
        #expect(text { $0.appendDecimal(7) } == "7")
        #expect(text { $0.appendDecimal(10) } == "10")
        #expect(text { $0.appendDecimal(1_000_000) } == "1000000")
        #expect(text { $0.appendDecimal(UInt64.max) } == "18446744073709551615")
    }

    @Test func addressesHaveSixteenDigits() {
        #expect(text { $0.appendAddress(0) } == "0x0000000000000000")
        #expect(text { $0.appendAddress(0x7fff_ffff_f000) } == "0x00007ffffffff000")
        #expect(text { $0.appendAddress(0xffff_ffff_ff60_0000) } == "0xffffffffff600000")
        #expect(text { $0.appendAddress(0x0123_4567_89ab_cdef) } == "0x0123456789abcdef")
    }

    /// Past the room it started with, the text grows and keeps every
    /// byte written before: 1,000 lines against the same lines built
    /// from `String`s.
    @Test func growsPastItsFirstRoom() {
        var expected = ""
        let built = text { t in
            for i in 0..<1000 {
                let value = UInt64(i) &* 0x9e37_79b9_7f4a_7c15
                t.appendAddress(value)
                t.append(ascii: " ")
                t.appendDecimal(UInt64(i), paddedTo: 6)
                t.append("name-\(i) é\n")
                let hex = String(value, radix: 16)
                expected += "0x" + String(repeating: "0", count: 16 - hex.count) + hex + " "
                    + String(i) + String(repeating: " ", count: 6 - String(i).count) + "name-\(i) é\n"
            }
        }
        #expect(built == expected)
    }

    @Test func paddingCountsFromTheColumnStart() {
        #expect(text { $0.append("ab"); $0.appendDecimal(42, paddedTo: 5); $0.append(ascii: "|") } == "ab42   |")
        #expect(text { $0.appendDecimal(123_456, paddedTo: 3); $0.append(ascii: "|") } == "123456|")
        #expect(text { let c = $0.count; $0.append("é"); $0.pad(from: c, to: 4) } == "é  ")
    }
}
