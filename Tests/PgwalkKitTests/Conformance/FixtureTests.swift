import Foundation
import SystemPackage
import Testing
@testable import PgwalkKit

/// Every `*.pgw` file in Fixtures/ (streams recorded from the real module)
/// must decode completely, rebuild into page tables, and, when recorded with
/// `trace`, replay exactly. Adding a fixture needs no code: drop the file in.
@Suite struct FixtureTests {
    static func fixtures() -> [URL] {
        guard let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { $0.hasSuffix(".pgw") }.sorted().map { directory.appendingPathComponent($0) }
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
    }

    @Test func fixturesDirectoryIsBundled() {
        #expect(Bundle.module.url(forResource: "Fixtures", withExtension: nil) != nil)
    }
}
