import Foundation
import SystemPackage
import Testing
@testable import PgwalkKit

/// Each `*-seq*.pgw` fixture was recorded right after its sibling without
/// `seq`, from the same target holding still (Tests/integration/
/// record-fixtures.sh). Expanded, its PTE_SEQ records must give exactly the
/// sibling's `pte_entry` values, and, when neither stream was cut into
/// chunks, the very same callback sequence.
@Suite struct SeqFixtureTests {
    static func pairs() -> [String] {
        FixtureTests.names().filter { ($0 as NSString).lastPathComponent.contains("-seq") }
    }

    /// Every record, with PTE_RUN and PTE_SEQ flattened into one call per
    /// page (the module splits runs differently with and without `seq`).
    enum Call: Equatable {
        case pte(addr: UInt64, raw: UInt64, info: EntryInfo)
        case other(StreamRecord)
    }

    static func calls(_ name: String) throws -> (header: StreamHeader, calls: [Call], end: EndRecord) {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
        let fd = try FileDescriptor.open(FilePath(url.path), .readOnly)
        return try fd.closeAfter {
            var decoder = try StreamDecoder(source: FileDescriptorByteSource(fd))
            var calls: [Call] = []
            var end: EndRecord?
            while let record = try decoder.nextRecord() {
                if case .end(let e) = record { end = e; continue }
                guard let run = record.pteRun else { calls.append(.other(record)); continue }
                for (index, value) in run.entries.enumerated() {
                    calls.append(.pte(addr: run.addr + UInt64(index) * 4096, raw: value.raw, info: value.info))
                }
            }
            return (decoder.header, calls, end!)
        }
    }

    @Test func everySeqFixtureHasASibling() {
        #expect(Self.pairs().count >= 6)
        for name in Self.pairs() {
            #expect(FixtureTests.names().contains(Self.sibling(of: name)), "\(name)")
        }
    }

    /// The fixture recorded right before `name` without `seq`.
    static func sibling(of name: String) -> String {
        let folder = (name as NSString).deletingLastPathComponent
        let file = (name as NSString).lastPathComponent.replacingOccurrences(of: "-seq", with: "")
        return folder.isEmpty ? file : folder + "/" + file
    }

    @Test(arguments: pairs())
    func expandsToItsSiblingsCalls(seqName: String) throws {
        let seq = try Self.calls(seqName)
        let plain = try Self.calls(Self.sibling(of: seqName))
        #expect(seq.header.flags.contains(.seq))
        #expect(!plain.header.flags.contains(.seq))
        // PTE_SEQ is there and saves bytes: never more than the plain stream.
        #expect(seq.end.streamBytes <= plain.end.streamBytes)

        func ptes(_ calls: [Call]) -> [UInt64: Call] {
            var map: [UInt64: Call] = [:]
            for case .pte(let addr, let raw, let info) in calls { map[addr] = .pte(addr: addr, raw: raw, info: info) }
            return map
        }
        #expect(ptes(seq.calls) == ptes(plain.calls))
        if seq.end.chunks == 1 && plain.end.chunks == 1 {
            #expect(seq.calls == plain.calls)
        }
    }
}
