import Foundation
import SystemPackage
import Testing
@testable import PgwalkKit
@testable import PgwalkRender

/// `translate` on streams recorded from the real module (every kernel,
/// both paging levels): each level's raw value must be the one the stream
/// carries, read back by ``IndependentStreamReader`` (docs/FORMAT.md alone),
/// and the physical address must follow from the leaf's raw x86 bits.
@Suite struct TranslationFixtureTests {
    static func fixtures() -> [URL] {
        FixtureTests.fixtures().filter { !$0.lastPathComponent.contains("trace") }
    }

    /// Addresses to translate: a spread of the pages the stream shows at
    /// the PTE level (every 7th, offset into the page), the first page of
    /// every huge leaf, and a none PTE.
    static func addresses(_ reader: IndependentStreamReader) -> [UInt64] {
        let ptes = reader.observations.filter { $0.level == 4 }
        var picked = stride(from: 0, to: ptes.count, by: 7).map { ptes[$0].addr + 0x123 }
        picked += reader.observations.filter { ($0.level == 2 || $0.level == 3) && $0.info & 0x1f == 0x11 }
            .map { $0.addr + 0x1234 }
        return picked
    }

    static func translate(_ url: URL, _ addresses: [UInt64]) throws -> (StreamHeader, [Translation]) {
        let fd = try FileDescriptor.open(FilePath(url.path), .readOnly)
        return try fd.closeAfter {
            var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: FileDescriptorByteSource(fd)))
            var collector = TranslationCollector(addresses: addresses, geometry: driver.header.geometry,
                                                 pfnVisible: driver.header.flags.contains(.pfnVisible))
            _ = try driver.run(ops: &collector)
            return (driver.header, collector.translations)
        }
    }

    @Test(arguments: fixtures())
    func rawValuesAreTheStreamsAndPhysicalAddressesFollowFromThem(url: URL) throws {
        let reader = try IndependentStreamReader(contentsOf: url)
        let addresses = Self.addresses(reader)
        #expect(addresses.count > 10, "\(url.lastPathComponent): too few pages to check")
        let (_, translations) = try Self.translate(url, addresses)
        var mappedChecked = 0
        var hugeChecked = 0
        for t in translations {
            #expect(t.vma != nil, "\(Hex.short(t.address)) has a PTE in the stream, so it is in a VMA")
            for level in 0...4 {
                let step = t.step(PageTableLevel(rawValue: level)!)
                #expect(step?.raw == reader.raw(at: level, covering: t.address),
                        "\(url.lastPathComponent) \(Hex.short(t.address)) level \(level)")
            }
            if reader.levels == 4 {
                // The folded p4d: the same slot, the same value.
                #expect(t.step(.p4d)?.raw == t.step(.pgd)?.raw)
                #expect(t.step(.p4d)?.folded == true)
            }
            guard case .mapped(let level, let size, _) = t.outcome, let leaf = t.leaf, let raw = leaf.raw else { continue }
            // x86: the frame is bits 12-51 of a PTE, 21-51 of a 2M PMD leaf.
            let frameMask: UInt64 = level == .pte ? 0x000f_ffff_ffff_f000 : 0x000f_ffff_ffe0_0000
            // A present entry without _PAGE_PRESENT (PROT_NONE, NUMA hinting)
            // holds its frame inverted (x86's L1TF mitigation, __pte_needs_invert()).
            let frameBits = raw & 1 == 0 ? ~raw & frameMask : raw & frameMask
            if reader.pfnVisible {
                #expect(t.physicalAddress == frameBits + (t.address & (size - 1)),
                        "\(url.lastPathComponent) \(Hex.short(t.address)) raw \(Hex.short(raw))")
            } else {
                #expect(t.physicalAddress == nil)
                #expect(raw & frameMask == 0, "hidden PFNs are zeroed in the raw value too")
            }
            mappedChecked += 1
            if level != .pte { hugeChecked += 1 }
        }
        #expect(mappedChecked > 5)
        // Every fixture's target has a THP (FIXTURES README).
        #expect(hugeChecked > 0, "\(url.lastPathComponent): no huge leaf translated")
    }

    /// An address in no VMA, below the first mapping, is reported as such
    /// with no level reached; an address past the walked range is not covered.
    @Test(arguments: fixtures().prefix(2))
    func addressesOutsideVMAs(url: URL) throws {
        let (header, translations) = try Self.translate(url, [0x1000, header(url).end + 0x1000])
        #expect(translations[0].outcome == .noVMA)
        #expect(translations[0].steps.isEmpty)
        #expect(translations[1].outcome == .notReached)
        _ = header
    }

    func header(_ url: URL) throws -> StreamHeader {
        try Snapshot.load(from: FilePath(url.path)).header
    }
}
