import PgwalkKit
import Testing

/// Bit positions of a pagemap entry, checked against values built from
/// Documentation/admin-guide/mm/pagemap.rst (not from the decoder's own
/// constants).
@Suite struct ProcfsPagemapEntryTests {
    @Test func presentPageWithEveryFlag() {
        let pfn: UInt64 = 0x12_3456_789A
        let raw = (1 << 63) | (1 << 61) | (1 << 57) | (1 << 56) | (1 << 55) | pfn
        let entry = PagemapEntry(rawValue: raw)
        #expect(entry.isPresent)
        #expect(!entry.isSwapped)
        #expect(entry.isFileOrSharedAnonymous)
        #expect(entry.isUffdWriteProtected)
        #expect(entry.isExclusive)
        #expect(entry.isSoftDirty)
        #expect(!entry.isGuardRegion)
        #expect(entry.pfn == pfn)
        #expect(entry.swapType == nil)
        #expect(entry.swapOffset == nil)
        #expect(entry.reservedBits == 0)
        #expect(entry.isPopulated)
    }

    @Test func largestPFNUsesBits0Through54() {
        let entry = PagemapEntry(rawValue: (1 << 63) | ((1 << 55) - 1))
        #expect(entry.pfn == (1 << 55) - 1)
        #expect(!entry.isSoftDirty)
    }

    @Test func swappedEntrySplitsTypeAndOffset() {
        // swap type 3 in bits 0-4, offset 0x1234 in bits 5-54.
        let raw: UInt64 = (1 << 62) | (0x1234 << 5) | 3
        let entry = PagemapEntry(rawValue: raw)
        #expect(!entry.isPresent)
        #expect(entry.isSwapped)
        #expect(entry.swapType == 3)
        #expect(entry.swapOffset == 0x1234)
        #expect(entry.pfn == nil)
        #expect(entry.isPopulated)
        // Largest type and offset.
        let max = PagemapEntry(rawValue: (1 << 62) | ((1 << 55) - 1))
        #expect(max.swapType == 31)
        #expect(max.swapOffset == (1 << 50) - 1)
    }

    @Test func guardRegionIsBit58() {
        let entry = PagemapEntry(rawValue: (1 << 62) | (1 << 58))
        #expect(entry.isGuardRegion)
        #expect(entry.isSwapped)
        #expect(!entry.isUffdWriteProtected)
    }

    @Test func reservedBits59And60() {
        #expect(PagemapEntry(rawValue: 1 << 59).reservedBits == 1 << 59)
        #expect(PagemapEntry(rawValue: 1 << 60).reservedBits == 1 << 60)
        #expect(PagemapEntry(rawValue: 1 << 58).reservedBits == 0)
    }

    @Test func emptyEntry() {
        let entry = PagemapEntry(rawValue: 0)
        #expect(!entry.isPresent && !entry.isSwapped && !entry.isPopulated)
        #expect(entry.pfn == nil && entry.swapType == nil)
        #expect(entry.description == "none")
    }

    @Test func softDirtyAloneOnAHole() {
        // An untouched page of a VM_SOFTDIRTY area reads as just bit 55.
        let entry = PagemapEntry(rawValue: 1 << 55)
        #expect(entry.isSoftDirty && !entry.isPopulated)
    }
}
