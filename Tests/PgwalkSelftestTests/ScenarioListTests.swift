import Foundation
import Testing
@testable import PgwalkKit
@testable import PgwalkSelftest

/// The scenario list has one source: the table in
/// Sources/pgwalk-scenario/main.c, which `pgwalk-scenario --list` prints.
/// The selftest's catalogue and docs/SCENARIOS.md are checked against what
/// the program prints, so that adding, renaming or removing a scenario in
/// one place and not the others fails here (docs/SCENARIOS.md section 7).
@Suite struct ScenarioListTests {
    struct Listed {
        var name: String
        var description: String
    }

    /// Marks a scenario of the program that `pgwalkctl selftest` does not run
    /// (diff-steps, for pgwalkctl diff): the catalogue leaves it out.
    static let notSelftested = "not a selftest scenario"

    /// The repository: the folder above this file that holds Package.swift.
    static func repository() throws -> URL {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            guard folder.path != "/" else { throw Missing(what: "Package.swift above \(#filePath)") }
            folder.deleteLastPathComponent()
        }
        return folder
    }

    /// `pgwalk-scenario --list`, "NAME  DESCRIPTION; needs: NEEDS" a line,
    /// from the program `swift test` built beside this test's executable.
    static func listed() throws -> [Listed] {
        let products = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let program = products.appendingPathComponent("pgwalk-scenario").path
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw Missing(what: "\(program): swift build --product pgwalk-scenario")
        }
        let (status, output) = SpawnedCommandRunner().run([program, "--list"])
        guard status == 0 else { throw Missing(what: "\(program) --list exited \(status): \(output)") }
        return try output.split(separator: "\n").map { line in
            guard let space = line.firstIndex(of: " "), let needs = line.range(of: "; needs: ") else {
                throw Missing(what: "a name, a description and '; needs: ' in '\(line)'")
            }
            let description = line[space..<needs.lowerBound].drop { $0 == " " }
            return Listed(name: String(line[..<space]), description: String(description))
        }
    }

    /// The lines of docs/SCENARIOS.md from the heading starting `## N.` up to the next `## `.
    static func section(_ number: Int) throws -> [Substring] {
        let url = try repository().appendingPathComponent("docs/SCENARIOS.md")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("## \(number). ") }) else {
            throw Missing(what: "section \(number) in docs/SCENARIOS.md")
        }
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        return Array(lines[(start + 1)..<end])
    }

    @Test func catalogueIsTheProgramsListInItsOrder() throws {
        let listed = try Self.listed()
        #expect(listed.count > 1)
        let selftested = listed.filter { !$0.description.contains(Self.notSelftested) }.map(\.name)
        #expect(ScenarioCatalog.names == selftested,
                "ScenarioCatalog.all differs from pgwalk-scenario --list (Sources/pgwalk-scenario/main.c)")
    }

    /// Section 3 has a `### NAME` (or `### NAME, NAME`) heading for every
    /// scenario of the program, once, and for nothing else.
    @Test func documentDescribesEveryScenarioOnce() throws {
        let listed = try Self.listed().map(\.name)
        let documented = try Self.section(3).filter { $0.hasPrefix("### ") }
            .flatMap { $0.dropFirst(4).components(separatedBy: ", ") }
        #expect(documented.sorted() == listed.sorted(),
                "docs/SCENARIOS.md section 3's headings differ from pgwalk-scenario --list")
    }

    /// Section 2's "for" column names scenarios of the program (`thp-*`:
    /// some whose name starts so).
    @Test func documentsSettingsAreForScenariosThatExist() throws {
        let listed = try Self.listed().map(\.name)
        let rows = try Self.section(2).filter { $0.hasPrefix("| ") }.dropFirst() // the header
        let named = rows.flatMap { $0.split(separator: "|")[1].trimmingCharacters(in: .whitespaces).components(separatedBy: ", ") }
        #expect(named.count >= rows.count)
        for name in named {
            let known = name.hasSuffix("*") ? listed.contains { $0.hasPrefix(name.dropLast()) } : listed.contains(name)
            #expect(known, "docs/SCENARIOS.md section 2 names '\(name)', which pgwalk-scenario --list does not")
        }
    }

    struct Missing: Error, CustomStringConvertible {
        var what: String
        var description: String { "missing: \(what)" }
    }
}
