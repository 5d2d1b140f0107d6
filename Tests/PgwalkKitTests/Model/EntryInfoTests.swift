import Testing
@testable import PgwalkKit

@Suite struct EntryInfoTests {
    @Test func fieldsAreAtTheirFormatBits() {
        // kind 2 (swap), LEAF|EXCLUSIVE (bits 4, 17), swap type 3, offset 0x12345.
        let word: UInt64 = 2 | 1 << 4 | 1 << 17 | 3 << 19 | 0x12345 << 24
        let info = EntryInfo(rawValue: word)!
        #expect(info.kind == .swap)
        #expect(info.flags == [.leaf, .exclusive])
        #expect(info.swapType == 3)
        #expect(info.payload == 0x12345)
        #expect(info.swapOffset == 0x12345 && info.pfn == nil)
        #expect(EntryInfo(kind: .swap, flags: [.leaf, .exclusive], swapType: 3, payload: 0x12345) == info)
    }

    @Test func undefinedKindsAreRejectedAndWidePayloadsTruncated() {
        #expect(EntryInfo(rawValue: 8) == nil)
        #expect(EntryInfo(rawValue: 0xf) == nil)
        let wide = EntryInfo(kind: .present, flags: [.leaf], payload: 1 << 40 | 5)
        #expect(wide.payload == 5)
        #expect(wide.flags.contains(.truncated))
        #expect(EntryInfo(kind: .present, payload: 0x42).pfn == 0x42)
        #expect(EntryInfo.none.rawValue == 0)
    }
}
