import Foundation
import SystemPackage
import Testing
@testable import PgwalkKit

/// Every `*.pgw` file in Fixtures/ and its kernel folders (streams recorded
/// from the real module) must decode completely, rebuild into page tables,
/// and, when recorded with `trace`, replay exactly through the walker of the
/// kernel that recorded it (chosen from the header's `kernel_version`).
/// Adding a fixture needs no code: drop the file in.
@Suite struct FixtureTests {
    static var directory: URL? { Bundle.module.url(forResource: "Fixtures", withExtension: nil) }

    /// The fixtures' paths relative to Fixtures/ (`target-4level.pgw`,
    /// `7.x/target-4level-trace.pgw`), sorted.
    static func names() -> [String] {
        guard let directory, let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".pgw") }.sorted()
    }

    static func fixtures() -> [URL] {
        guard let directory else { return [] }
        return names().map { directory.appendingPathComponent($0) }
    }

    @Test(arguments: fixtures())
    func fixtureDecodesAndConforms(url: URL) throws {
        let path = FilePath(url.path)
        let snapshot = try Snapshot.load(from: path)
        #expect(snapshot.end.records > 0 || snapshot.end.status != 0)
        guard snapshot.header.isTrace else { return }
        let fd = try FileDescriptor.open(path, .readOnly)
        let report = try fd.closeAfter { try ConformanceReplay.run(source: FileDescriptorByteSource(fd)) }
        #expect(report.passed, "\(url.lastPathComponent): \(report)")
        #expect(report.semantics == WalkerSemantics(linuxVersionCode: snapshot.header.kernelVersion))
    }

    @Test func fixturesDirectoryIsBundled() {
        #expect(Bundle.module.url(forResource: "Fixtures", withExtension: nil) != nil)
    }
}
