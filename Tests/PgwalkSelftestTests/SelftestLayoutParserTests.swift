import Testing
@testable import PgwalkKit
@testable import PgwalkSelftest

/// The lines of docs/SCENARIOS.md 1.2, well formed and not.
@Suite struct SelftestLayoutParserTests {
    static let forkCOW = """
        scenario fork-cow
        pid 4242
        pid2 4243
        region before 0x7f0000000000 0x7f0000010000 rw-p
        region after 0x7f0000020000 0x7f0000030000 rw-p
        page before 0-15 written cow-shared
        page after 0-7 written cow-broken
        page after 8-15 written cow-shared
        fact before_same_pfn yes
        fact after_broken_differ yes
        pfn after 3 0x1a2b
        ready
        """

    @Test func aWellFormedLayoutIsTyped() throws {
        let layout = try ScenarioLayoutParser.parse(Self.forkCOW)
        #expect(layout.scenario == "fork-cow")
        #expect(layout.pid == 4242)
        #expect(layout.pid2 == 4243)
        #expect(layout.regions.map(\.name) == ["before", "after"])
        let after = try #require(layout.region("after"))
        #expect(after.start == 0x7f00_0002_0000 && after.end == 0x7f00_0003_0000 && after.perms == "rw-p")
        #expect(after.pageCount == 16)
        #expect(after.address(ofPage: 2) == 0x7f00_0002_2000)
        #expect(layout.words("after", 7) == ["written", "cow-broken"])
        #expect(layout.words("after", 8) == ["written", "cow-shared"])
        #expect(layout.pages("after", with: ["cow-broken"]) == Array(0...7))
        #expect(layout.pages("before", with: ["written"], without: ["cow-shared"]).isEmpty)
        #expect(layout.pfns["after"]?[3] == 0x1a2b)
        #expect(layout.fact("before_same_pfn") == "yes")
        #expect(layout.outcome == .ready)
    }

    @Test func unknownLineKindsAreIgnored() throws {
        let layout = try ScenarioLayoutParser.parse("scenario x\npid 7\nfuture-line a b c\nready\n")
        #expect(layout.pid == 7 && layout.outcome == .ready)
    }

    @Test func aSkipKeepsItsWholeReason() throws {
        let layout = try ScenarioLayoutParser.parse("scenario ksm\npid 9\nskip KSM is not running (ksm/run=0): echo 1 > /sys/kernel/mm/ksm/run\n")
        #expect(layout.outcome == .skip("KSM is not running (ksm/run=0): echo 1 > /sys/kernel/mm/ksm/run"))
    }

    @Test func repeatedFactsCollectTheirValues() throws {
        let layout = try ScenarioLayoutParser.parse("fact missing [vdso]\nfact missing [vvar]\nfact hugetlb_size 2097152\nfact thp_pfn 0x3000")
        #expect(layout.facts["missing"] == ["[vdso]", "[vvar]"])
        #expect(layout.numericFact("hugetlb_size") == 2_097_152)
        #expect(layout.numericFact("thp_pfn") == 0x3000)
    }

    @Test func theParserIsDoneOnlyAtReadyOrSkip() throws {
        var parser = ScenarioLayoutParser()
        try parser.consume("scenario anon-4k")
        try parser.consume("pid 5")
        #expect(!parser.isFinished)
        try parser.consume("ready")
        #expect(parser.isFinished)
    }

    @Test(arguments: [
        ("pid zero", "pid 0"),
        ("pid not a number", "pid abc"),
        ("pid with extra field", "pid 5 6"),
        ("region misaligned", "region r 0x1001 0x2000 rw-p"),
        ("region empty", "region r 0x2000 0x2000 rw-p"),
        ("region decimal garbage", "region r zz 0x2000 rw-p"),
        ("region short perms", "region r 0x1000 0x2000 rw"),
        ("page before its region", "page nowhere 0 written"),
        ("pfn without index", "pfn r 0x10"),
        ("fact without value", "fact lonely"),
    ])
    func malformedLinesAreRejected(_ case_: (String, String)) {
        #expect(throws: ScenarioLayoutParser.Malformed.self, "\(case_.0)") {
            _ = try ScenarioLayoutParser.parse(case_.1)
        }
    }

    @Test(arguments: ["page r 5-3 written", "page r 16 written", "page r 0-16 written", "page r x written", "page r 1"])
    func pageLinesOutsideTheRegionOrMalformedAreRejected(_ line: String) {
        #expect(throws: ScenarioLayoutParser.Malformed.self) {
            _ = try ScenarioLayoutParser.parse("region r 0x10000 0x20000 rw-p\n" + line)
        }
    }

    @Test func theErrorNamesTheLine() {
        do {
            _ = try ScenarioLayoutParser.parse("pid -3")
            Issue.record("accepted pid -3")
        } catch {
            #expect(error.line == "pid -3")
            #expect(error.description.contains("pid -3"))
        }
    }
}
