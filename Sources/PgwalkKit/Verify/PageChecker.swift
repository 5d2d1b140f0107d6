/// Compares the module's rows with pagemap as they arrive, page by page,
/// and keeps the per-VMA numbers. One per verify pass.
final class PageChecker {
    private(set) var report: VerifyReport
    private(set) var walkedVMAs: [VMA] = []
    private(set) var mismatchedPages: [UInt64] = []
    /// The first error a callback met (callbacks cannot throw).
    private(set) var error: Error?

    private let pagemap: PagemapReader
    private let frameFlags: KernelPageFlagsReader?
    private let expectation: PageExpectation
    private let limit: Int
    private let pageShift: Int
    private var current: VMA?

    init(header: StreamHeader, pagemap: PagemapReader, frameFlags: KernelPageFlagsReader?, limit: Int) {
        self.report = VerifyReport(description: WalkDescription(header: header))
        self.pagemap = pagemap
        self.frameFlags = frameFlags
        self.limit = limit
        self.pageShift = header.geometry.pageShift
        self.expectation = PageExpectation(pfnsVisible: header.flags.contains(.pfnVisible))
    }

    func enter(_ vma: VMA) {
        current = vma
        walkedVMAs.append(vma)
        report.vmas.append(VerifyReport.VMASummary(vma: vma))
        if vma.flags.contains(.notWalked) {
            // Rule 9: neither walker enters VM_PFNMAP; pagemap reads holes.
            let lo = max(vma.start, report.description.start)
            let hi = min(vma.end, report.description.end)
            if lo < hi {
                check(MappingRow(start: lo, end: hi, placement: .level(.pte), kind: .none, flags: [],
                                 swapType: 0, payload: 0, payloadStep: 0, vmaStart: vma.start))
            }
        }
    }

    func finish() {}

    func check(_ row: MappingRow) {
        guard error == nil, let vma = current, vma.start == row.vmaStart else { return }
        let summary = report.vmas.count - 1
        do {
            try pagemap.forEachBatch(in: row.start..<row.end) { batch in
                for index in batch.indices {
                    let address = batch.address(at: index)
                    let page = PageExpectation.ModulePage(
                        address: address, placement: row.placement, kind: row.kind, flags: row.flags,
                        swapType: row.swapType, payload: row.payload(at: address, pageShift: pageShift), vma: vma)
                    var anonymous: Bool?
                    if let frameFlags, expectation.pfnsVisible, page.kind.payloadIsPFN,
                       expectation.needsFrameFlags(page) {
                        anonymous = (try? frameFlags.flags(ofFrame: page.payload))?.contains(.anon)
                    }
                    let differences = expectation.compare(page, with: batch[index], frameIsAnonymous: anonymous)
                    record(page, differences, summary: summary)
                }
            }
        } catch {
            self.error = error
        }
    }

    private func record(_ page: PageExpectation.ModulePage, _ differences: [PageExpectation.Difference], summary: Int) {
        report.pagesChecked += 1
        report.vmas[summary].pages += 1
        switch page.kind {
        case .present: report.vmas[summary].present += 1
        case .swap, .migration, .device, .marker, .hwpoison: report.vmas[summary].swapped += 1
        case .none, .other: break
        }
        guard !differences.isEmpty else { return }
        report.totalMismatches += 1
        report.vmas[summary].mismatches += 1
        if report.mismatches.count < limit {
            report.mismatches.append(VerifyReport.Mismatch(address: page.address, vmaStart: page.vma.start,
                                                           differences: differences, persistent: nil))
            mismatchedPages.append(page.address)
        }
    }
}
