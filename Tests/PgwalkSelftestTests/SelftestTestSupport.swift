@testable import PgwalkKit
@testable import PgwalkSelftest

/// Builds a module view the way the module would stream it (records in walk
/// order, encoded with StreamEncoder and decoded back), and the layout a
/// scenario would print, for the assertion checkers' tests. Values here are
/// inputs; expected verdicts are worked out by hand in each test.
struct SyntheticWalk {
    static let page: UInt64 = 4096
    var records: [StreamRecord] = []
    var levels = 4
    var pfnVisible = true

    static let anonPTE: EntryFlags = [.leaf, .write, .user, .accessed, .dirty, .noExec, .softDirty]

    mutating func vma(_ start: UInt64, _ end: UInt64, _ flags: VMAFlags = [.read, .write],
                      backing: VMABacking = .anonymous, name: String = "") {
        records.append(.vma(VMARecord(vma: VMA(start: start, end: end, flags: flags, backing: backing, name: name))))
    }

    /// A PTE_RUN at `addr` with these infos.
    mutating func ptes(_ addr: UInt64, _ infos: [EntryInfo]) {
        records.append(.pteRun(PTERunRecord(addr: addr, entries: infos.map { .init(raw: $0.payload << 12 | 0x67, info: $0) })))
    }

    /// `count` present anonymous PTEs with PFNs from `pfn` on.
    mutating func present(_ addr: UInt64, count: Int, pfn: UInt64, flags: EntryFlags = anonPTE) {
        ptes(addr, (0..<count).map { EntryInfo(kind: .present, flags: flags, payload: pfn + UInt64($0)) })
    }

    mutating func none(_ addr: UInt64, count: Int) {
        records.append(.noneRun(NoneRunRecord(addr: addr, count: count)))
    }

    mutating func hole(_ addr: UInt64, _ end: UInt64, depth: Int8) {
        var hole = HoleRecord(addr: addr, end: end, depth: HoleDepth(rawValue: depth)!, count: 1)
        hole.count = Int(hole.callCount(geometry: levels == 5 ? .x86_64FiveLevel : .x86_64FourLevel))
        records.append(.hole(hole))
    }

    mutating func pmdLeaf(_ addr: UInt64, pfn: UInt64, flags: EntryFlags = anonPTE) {
        let info = EntryInfo(kind: .present, flags: flags, payload: pfn)
        records.append(.entry(EntryRecord(entry: PageTableEntry(level: .pmd, raw: pfn << 12 | 0xe7, info: info),
                                          addr: addr, next: addr + (2 << 20), action: .continue)))
    }

    mutating func hugetlb(_ addr: UInt64, size: UInt64, info: EntryInfo) {
        records.append(.hugetlb(HugetlbRecord(addr: addr, next: addr + size, hmask: ~(size - 1), raw: info.payload << 12, info: info)))
    }

    /// Encoded and decoded again, as a walk of the module would arrive.
    func view(seconds: Double = 0) throws -> ModuleView {
        let geometry: PagingGeometry = levels == 5 ? .x86_64FiveLevel : .x86_64FourLevel
        let header = StreamHeader(flags: pfnVisible ? [.pfnVisible] : [], pid: 100, geometry: geometry,
                                  kernelVersion: 6 << 16 | 1 << 8 | 158, start: 0,
                                  end: geometry.userAddressLimit, taskSize: geometry.userAddressLimit,
                                  bufferSize: 262_144, release: "6.1.0-56-amd64")
        var encoder = StreamEncoder(header: header)
        encoder.append(contentsOf: records)
        encoder.appendEnd()
        let decoded = try StreamDecoder.decodeAll(encoder.bytes)
        return ModuleView(header: decoded.header, records: decoded.records.filter { $0.type != .end },
                          streamBytes: UInt64(encoder.bytes.count), seconds: seconds)
    }
}

extension ScenarioEvidence {
    /// Evidence from scenario output text and synthetic walks.
    static func make(_ output: String, _ walk: SyntheticWalk, _ walk2: SyntheticWalk? = nil,
                     pagemap: @escaping @Sendable (Int32, UInt64) -> PagemapEntry? = { _, _ in nil },
                     kpageflags: @escaping @Sendable (UInt64) -> KernelPageFlags? = { _ in nil },
                     smapsKB: @escaping @Sendable (Int32, UInt64, String) -> Int? = { _, _, _ in nil }) throws -> ScenarioEvidence {
        ScenarioEvidence(layout: try ScenarioLayoutParser.parse(output), view: try walk.view(),
                         view2: try walk2?.view(), pagemap: pagemap, kpageflags: kpageflags, smapsKB: smapsKB)
    }
}

/// Runs the catalogue's checker for `scenario` and returns the failure
/// message, or nil when it passed.
func failure(of scenario: String, _ evidence: ScenarioEvidence) -> String? {
    guard let spec = ScenarioCatalog.named(scenario) else { return "no scenario \(scenario) in the catalogue" }
    do {
        _ = try spec.check(evidence)
        return nil
    } catch {
        return error.message
    }
}
