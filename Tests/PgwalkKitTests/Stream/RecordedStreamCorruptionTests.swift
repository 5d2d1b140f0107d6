import Foundation
import Testing
@testable import PgwalkKit

/// Streams recorded from the real module (Fixtures/*.pgw), damaged in ways a
/// disk, a pipe or a bug could damage them: each must end in the specific
/// error that says where and what, never in a crash or a quiet success.
@Suite struct RecordedStreamCorruptionTests {
    static func recorded() -> [URL] {
        FixtureTests.fixtures()
    }

    func load(_ url: URL) throws -> [UInt8] {
        Array(try Data(contentsOf: url))
    }

    func decodeError(_ bytes: [UInt8]) -> StreamDecodingError? {
        do {
            _ = try StreamDecoder.decodeAll(bytes)
            return nil
        } catch {
            return error
        }
    }

    /// Offsets of every record after the header, from the bytes themselves
    /// (header_len at 10, then each record's len at +4).
    func recordOffsets(_ bytes: [UInt8]) -> [Int] {
        let headerLength = Int(bytes[10]) | Int(bytes[11]) << 8
        var offsets: [Int] = []
        var at = headerLength
        while at + 8 <= bytes.count {
            offsets.append(at)
            let len = Int(bytes[at + 4]) | Int(bytes[at + 5]) << 8 | Int(bytes[at + 6]) << 16 | Int(bytes[at + 7]) << 24
            guard len >= 8 else { break }
            at += len
        }
        return offsets
    }

    @Test(arguments: recorded())
    func intactStreamDecodes(url: URL) throws {
        #expect(decodeError(try load(url)) == nil)
    }

    @Test(arguments: recorded())
    func truncationAtEveryRecordBoundaryIsReported(url: URL) throws {
        let bytes = try load(url)
        let offsets = recordOffsets(bytes)
        #expect(offsets.count > 3)
        // Cutting between records: the END record is missing.
        for cut in offsets.dropFirst().prefix(50) {
            let error = decodeError(Array(bytes[..<cut]))
            guard case .missingEnd = error?.reason else {
                Issue.record("cut at \(cut): \(String(describing: error))")
                continue
            }
        }
        // Cutting inside a record: that record is truncated, at its offset.
        let inside = offsets[offsets.count / 2] + 4
        let error = decodeError(Array(bytes[..<inside]))
        guard case .truncatedRecord = error?.reason else {
            Issue.record("cut inside a record: \(String(describing: error))")
            return
        }
        #expect(error?.offset == UInt64(offsets[offsets.count / 2]))
    }

    @Test(arguments: recorded())
    func damagedHeaderIsReported(url: URL) throws {
        var bytes = try load(url)
        bytes[0] = UInt8(ascii: "X")
        guard case .badMagic = decodeError(bytes)?.reason else {
            Issue.record("bad magic not reported")
            return
        }
        bytes = try load(url)
        bytes[8] = 99  // version
        guard case .unsupportedVersion(99) = decodeError(bytes)?.reason else {
            Issue.record("bad version not reported")
            return
        }
        bytes = try load(url)
        #expect(decodeError(Array(bytes[..<100])).map { if case .truncatedHeader = $0.reason { true } else { false } } == true)
    }

    @Test(arguments: recorded())
    func unknownRecordTypeIsReported(url: URL) throws {
        var bytes = try load(url)
        let at = recordOffsets(bytes)[1]
        bytes[at] = 0x7e
        let error = decodeError(bytes)
        guard case .unknownType(0x7e) = error?.reason else {
            Issue.record("unknown type not reported: \(String(describing: error))")
            return
        }
        #expect(error?.offset == UInt64(at))
    }

    @Test(arguments: recorded())
    func wrongRecordLengthIsReported(url: URL) throws {
        var bytes = try load(url)
        // The END record is fixed at 40 bytes: claim 48.
        let end = recordOffsets(bytes).last!
        bytes[end + 4] = 48
        let error = decodeError(bytes)
        #expect(error != nil)
    }

    @Test(arguments: recorded())
    func addressGoingBackwardsIsReported(url: URL) throws {
        var bytes = try load(url)
        let offsets = recordOffsets(bytes)
        // Find a PTE_RUN (type 4) after another leaf record and move it to address 0x1000.
        guard let at = offsets.dropFirst(4).first(where: { bytes[$0] == 0x04 }) else { return }
        for i in 0..<8 { bytes[at + 8 + i] = i == 1 ? 0x10 : 0 }
        let error = decodeError(bytes)
        switch error?.reason {
        case .addressBackwards?, .addressOutsideRange?:
            #expect(error?.offset == UInt64(at))
        default:
            Issue.record("moved PTE run not reported: \(String(describing: error))")
        }
    }

    @Test(arguments: recorded())
    func endCountsMustMatch(url: URL) throws {
        var bytes = try load(url)
        // Drop one record before END: END's counts no longer match.
        let offsets = recordOffsets(bytes)
        let victim = offsets[offsets.count - 2]
        let next = offsets[offsets.count - 1]
        bytes.removeSubrange(victim..<next)
        #expect(decodeError(bytes) != nil)
    }
}
