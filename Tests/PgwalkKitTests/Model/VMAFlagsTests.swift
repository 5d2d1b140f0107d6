import Testing
@testable import PgwalkKit
@testable import PgwalkRender

/// The portable VMA flags newer kernels added (FORMAT.md 5.1: bit 18
/// DROPPABLE, bit 19 SEALED), from the record's bytes to every view that
/// prints them.
@Suite struct VMAFlagsTests {
    /// A stream whose one VMA record carries `portable` in its flags word,
    /// written into the bytes at the offset FORMAT.md 5.1 gives (52).
    static func streamWithVMAFlags(_ portable: UInt32) -> [UInt8] {
        let header = StreamFixture.header(trace: false)
        var bytes = StreamFixture.stream(header, [StreamFixture.vma(0x40_0000, 0x40_2000, [])])
        let record = 160 // after the version-1 header
        #expect(bytes[record] == 0x02) // the VMA record's type
        for i in 0..<4 { bytes[record + 52 + i] = UInt8(truncatingIfNeeded: portable >> (8 * UInt32(i))) }
        return bytes
    }

    @Test func bitsEighteenAndNineteenDecodeAsDroppableAndSealed() throws {
        let decoded = try StreamDecoder.decodeAll(Self.streamWithVMAFlags(1 << 0 | 1 << 18 | 1 << 19))
        guard case .vma(let record) = decoded.records.first else {
            Issue.record("no VMA record decoded")
            return
        }
        #expect(record.vma.flags == [.read, .droppable, .sealed])
        #expect(record.vma.flags.description == "READ|DROPPABLE|SEALED")
    }

    @Test func jsonNamesTheNewFlags() {
        #expect(VMAFlags([.write, .droppable]).names == ["write", "droppable"])
        #expect(VMAFlags.sealed.names == ["sealed"])
    }

    @Test func theTableTagsSealedAndDroppableVMAsOnly() {
        #expect(WalkTableRenderer.vmaTags([.read, .write, .sealed]) == "sealed")
        #expect(WalkTableRenderer.vmaTags([.read, .write, .droppable, .sealed]) == "sealed droppable")
        #expect(WalkTableRenderer.vmaTags([.read, .write, .dontDump]) == nil)
    }

    @Test func smapsMnemonicsOfTheNewFlags() {
        // show_smap_vma_flags(): "dp" VM_DROPPABLE, "sl" VM_SEALED.
        #expect(SmapsVMAAttributes.flags(["rd", "wr", "dp", "sl", "xx"]) == [.read, .write, .droppable, .sealed])
    }
}
