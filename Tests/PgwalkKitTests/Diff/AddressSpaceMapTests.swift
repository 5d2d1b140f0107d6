import Testing
@testable import PgwalkKit
@testable import PgwalkRender

/// The map's axis: to scale where something is mapped, breaks where it is
/// empty, every walked VMA visible.
@Suite struct AddressSpaceMapTests {
    static let geometry = PagingGeometry.x86_64FourLevel

    static func walk(vmas: [VMA], rows: [MappingRow]) -> CollectedWalk {
        CollectedWalk(description: WalkDescription(pid: 1, source: .snapshot, geometry: geometry, kernelRelease: "t",
                                                   pfnVisible: true, start: 0, end: geometry.userAddressLimit),
                      vmas: vmas, rows: rows)
    }

    static func row(_ start: UInt64, _ end: UInt64, _ kind: EntryKind, _ placement: MappingRow.Placement, vma: UInt64) -> MappingRow {
        MappingRow(start: start, end: end, placement: placement, kind: kind, flags: [], swapType: 0, payload: 0,
                   payloadStep: 0, vmaStart: vma)
    }

    @Test func emptyStretchesBreakAndMappedOnesAreToScale() {
        // Two VMAs 1 TiB apart: 64 KiB of 4K pages, and a 2 MiB THP.
        let a: UInt64 = 0x1000_0000, b: UInt64 = 0x100_0000_0000
        let walk = Self.walk(vmas: [VMA(start: a, end: a + 0x10000), VMA(start: b, end: b + 0x20_0000)],
                             rows: [Self.row(a, a + 0x10000, .present, .level(.pte), vma: a),
                                    Self.row(b, b + 0x20_0000, .present, .level(.pmd), vma: b)])
        let map = AddressSpaceMap(walk: walk)
        #expect(map.start == 0x1000 && map.end == Self.geometry.userAddressLimit)
        // Nothing is mapped below a, between a and b, or above b: three breaks.
        #expect(map.pieces.filter(\.compressed).count == 3)
        // At one unit per page: 16 units and 512 units.
        #expect(map.bytesPerUnit == 4096)
        let runs = map.runs
        #expect(runs.map(\.mappingClass) == [.page4K, .thp])
        #expect(abs(runs[0].length - 16) < 1e-9 && abs(runs[1].length - 512) < 1e-9)
        #expect(map.totals == [.page4K: 0x10000, .thp: 0x20_0000])
        // The axis is continuous and ordered.
        for (x, y) in zip(map.pieces, map.pieces.dropFirst()) {
            #expect(x.end == y.start && abs(x.offset + x.length - y.offset) < 1e-9)
        }
    }

    @Test func aLargeMappingIsScaledDownToFit() {
        let a: UInt64 = 0x4000_0000
        let size: UInt64 = 8 << 30
        let walk = Self.walk(vmas: [VMA(start: a, end: a + size)],
                             rows: [Self.row(a, a + size, .present, .level(.pmd), vma: a)])
        let map = AddressSpaceMap(walk: walk, maxLength: 10_000)
        #expect(map.length < 10_000 + 3 * AddressSpaceMap.breakLength)
        #expect(map.bytesPerUnit > 4096)
    }

    @Test func classesFollowWhatMapsThePages() {
        let v: UInt64 = 0x10_0000
        #expect(MappingClass(Self.row(v, v + 0x1000, .present, .hugetlb(pageSize: 2 << 20), vma: v)) == .hugetlb)
        #expect(MappingClass(Self.row(v, v + 0x1000, .swap, .level(.pte), vma: v)) == .swap)
        #expect(MappingClass(Self.row(v, v + 0x1000, .marker, .level(.pte), vma: v)) == .marker)
        #expect(MappingClass(Self.row(v, v + 0x1000, .none, .level(.pmd), vma: v)) == .none)
        #expect(MappingClass(Self.row(v, v + 0x1000, .migration, .level(.pte), vma: v)) == .other)
    }

    @Test func theHTMLIsSelfContained() {
        let v: UInt64 = 0x10_0000
        let html = AddressSpaceMapHTML.render(AddressSpaceMap(walk: Self.walk(
            vmas: [VMA(start: v, end: v + 0x2000, name: "<odd & name>")],
            rows: [Self.row(v, v + 0x2000, .present, .level(.pte), vma: v)])))
        #expect(!html.contains("<script"))
        #expect(!html.contains("https://") && !html.contains("src="))
        #expect(html.contains("&lt;odd &amp; name&gt;"))
        #expect(html.contains("class=\"run\" data-class=\"4K\" data-start=\"0x100000\" data-end=\"0x102000\""))
    }

    @Test func progressOnlyForPeopleAtATerminal() {
        #expect(ProgressLine.shouldShow(standardOutputIsTerminal: true, standardErrorIsTerminal: true, machineReadable: false))
        #expect(!ProgressLine.shouldShow(standardOutputIsTerminal: false, standardErrorIsTerminal: true, machineReadable: false))
        #expect(!ProgressLine.shouldShow(standardOutputIsTerminal: true, standardErrorIsTerminal: false, machineReadable: false))
        #expect(!ProgressLine.shouldShow(standardOutputIsTerminal: true, standardErrorIsTerminal: true, machineReadable: true))
        #expect(ProgressLine.delay(environment: [:]) == 1.0)
        #expect(ProgressLine.delay(environment: ["PGWALK_PROGRESS_AFTER": "0"]) == 0)
    }
}
