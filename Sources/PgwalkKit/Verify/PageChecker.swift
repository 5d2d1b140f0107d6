/// Compares the module's rows with pagemap as they arrive, page by page,
/// and keeps the per-VMA numbers. One per verify pass.
///
/// Its stored properties are `@exclusivity(unchecked)`: a class's
/// properties are otherwise checked at run time on every access
/// (`swift_beginAccess`, a thread-local lookup), about 300 instructions
/// each, a tenth of a many-vmas verify (docs/BENCH.md, change 20). One
/// thread uses a checker, through the row builder's callbacks, and no
/// method passes a property `inout` to code that reaches the checker
/// again, so the accesses the check guards against never overlap.
final class PageChecker {
    @exclusivity(unchecked) private(set) var report: VerifyReport
    /// Every page that differed, listed in the report or not: what the
    /// re-check walks again.
    @exclusivity(unchecked) private(set) var mismatched: PageSet
    /// The module's view of each mismatched page, for the first
    /// ``viewsKept`` of them: a re-check whose walk sees another view of
    /// a page saw the page change, not the same difference again.
    @exclusivity(unchecked) private(set) var moduleViews: [UInt64: ModuleView] = [:]
    /// Views kept at most (a few MiB); past them, pages are re-checked
    /// without this test.
    static let viewsKept = 1 << 16
    /// The first error a callback met (callbacks cannot throw).
    @exclusivity(unchecked) private(set) var error: Error?

    private let pagemap: any PagemapEntrySource
    private let frameFlags: KernelPageFlagsReader?
    private let expectation: PageExpectation
    private let limit: Int
    private let pageShift: Int
    @exclusivity(unchecked) private var current: VMA?

    init(header: StreamHeader, pagemap: any PagemapEntrySource, frameFlags: KernelPageFlagsReader?, limit: Int,
         guardRegions: GuardRegionAnswer) {
        self.report = VerifyReport(description: WalkDescription(header: header))
        self.pagemap = pagemap
        self.frameFlags = frameFlags
        self.limit = limit
        self.pageShift = header.geometry.pageShift
        self.window = PagemapWindow(pageShift: header.geometry.pageShift)
        self.mismatched = PageSet(pageShift: header.geometry.pageShift)
        var expectation = PageExpectation(pfnsVisible: header.flags.contains(.pfnVisible))
        expectation.guardRegions = guardRegions
        self.expectation = expectation
    }

    func enter(_ vma: VMA) {
        current = vma
        scanningVMA = false
        boundedReadPages = Self.readAheadPages
        templates.removeAll()
        frameFlagsNeeded.removeAll()
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

    // MARK: Pagemap window

    /// Pagemap entries read in one batch (up to the reader's batch
    /// capacity) when a row first needs them, so that small rows do not cost
    /// a pread each (docs/BENCH.md).
    @exclusivity(unchecked) private var window: PagemapWindow

    /// Pages read at least, past the current VMA's end if it is smaller:
    /// the VMAs after it (a library's, or thousands of small ones side by
    /// side) are then checked from the same read instead of a pread each,
    /// which was most of verify's pagemap time on many small VMAs
    /// (docs/BENCH.md, change 13). The entries are read as early as a large
    /// VMA's are; pagemap reads holes between VMAs as empty entries.
    private static let readAheadPages: UInt64 = 512

    /// Makes the window hold the entry of `address`, in `row`; its index.
    private func windowIndex(_ address: UInt64, vma: VMA, row: MappingRow) throws -> Int {
        let pageSize = UInt64(1) << UInt64(pageShift)
        if window.holds(address) {
            return window.index(of: address)
        }
        let batchEnd = address &+ UInt64(pagemap.batchCapacity) * pageSize
        var vmaEnd = min(vma.end, report.description.end, batchEnd)
        if let limit = scanReadLimit(address, row: row, vma: vma) { vmaEnd = min(vmaEnd, limit) }
        let readAheadEnd = min(report.description.end, batchEnd, address &+ Self.readAheadPages * pageSize)
        do {
            try window.read(address..<max(vmaEnd, readAheadEnd, address + pageSize), from: pagemap)
        } catch where readAheadEnd > vmaEnd {
            // Past the end of the address space the read ahead may fail
            // where the VMA's own pages do not: read those alone.
            try window.read(address..<max(vmaEnd, address + pageSize), from: pagemap)
        }
        return 0
    }

    // MARK: Empty stretches, by PAGEMAP_SCAN

    /// None rows at least this long are checked by asking PAGEMAP_SCAN
    /// where the next populated page is, instead of reading the entry of
    /// every page: a sparse VMA's empty stretches (a JVM's reserved heap,
    /// 50 MiB gaps between runs) cost one ioctl each instead of 8 bytes a
    /// page copied and compared (docs/BENCH.md, change 23). Shorter ones are
    /// read: one pread reads more pages than an ioctl costs.
    static let scanRowPages: UInt64 = 1_024

    /// Whether the source has said it cannot scan (no PAGEMAP_SCAN before
    /// 6.7, a saved snapshot).
    @exclusivity(unchecked) private var scanUnavailable = false
    /// Whether the current VMA has a none row long enough for the scan:
    /// its window reads then stop near the row being read instead of
    /// reading on through the next empty stretch, which the scan skips.
    @exclusivity(unchecked) private var scanningVMA = false
    /// How far past its row's end such a bounded read goes: the read-ahead
    /// after the scan has skipped a stretch, doubling with each read that
    /// met no long none row, up to a batch. A VMA with one long gap and
    /// many small rows elsewhere (every hundredth page present) is then
    /// read in large batches again, not a pread per read-ahead.
    @exclusivity(unchecked) private var boundedReadPages = PageChecker.readAheadPages

    /// Whether the scan may stand in for the pagemap entries of `vma`'s
    /// none pages. The kernel's scan does not enter VM_PFNMAP (rule 9),
    /// and reports a hugetlb VMA's none entries by their own rules: both
    /// are read.
    private static func scanApplies(to vma: VMA) -> Bool {
        !vma.flags.contains(.notWalked) && !vma.flags.contains(.hugetlb)
    }

    /// Whether `row` is a none row with at least ``scanRowPages`` pages
    /// from `address` to its end.
    private func isLongNoneRest(_ row: MappingRow, from address: UInt64) -> Bool {
        row.kind == .none && (row.end - address) >> UInt64(pageShift) >= Self.scanRowPages
    }

    /// The first populated page (pagemap's view) of the rest of `row` from
    /// `address`, a none row whose pages, where they are empty, match
    /// `emptyBits` (the compared bits of a none page of this VMA that
    /// matched); the pages before it are then checked. nil when the scan
    /// does not apply: a short rest, an entry with more than the VMA's
    /// soft-dirty bit to compare, a VMA the scan does not see as pagemap
    /// does (``scanningVMA`` is never set for one), or no scan at all.
    ///
    /// Why the pages before it match: a page that is neither present nor
    /// swapped has a none PTE or no page table, and pagemap's entry of
    /// such a page is 0 with its VMA's soft-dirty bit (VM_SOFTDIRTY), on
    /// every kernel of the matrix; `emptyBits` is that entry, read from
    /// a page of the same VMA. The scan's own soft-dirty answer is not
    /// used: its first version left VM_SOFTDIRTY out of holes, later
    /// ones add it.
    private func firstPopulatedByScan(from address: UInt64, in row: MappingRow, emptyBits: UInt64) throws -> UInt64? {
        guard scanningVMA, !scanUnavailable, emptyBits & ~PagemapEntry.softDirtyBit == 0,
              isLongNoneRest(row, from: address) else { return nil }
        guard let populated = try pagemap.firstPopulatedPage(in: address..<row.end) else {
            scanUnavailable = true
            return nil
        }
        if populated > address { boundedReadPages = Self.readAheadPages }
        return min(populated, row.end)
    }

    /// Where a window read from `address` stops once PAGEMAP_SCAN checks
    /// this VMA's long none rows: for such a row, after the read-ahead
    /// (enough to learn what its empty pages' entry is); for another row,
    /// ``boundedReadPages`` past the row's end. nil: no limit but the
    /// VMA's end.
    private func scanReadLimit(_ address: UInt64, row: MappingRow, vma: VMA) -> UInt64? {
        guard scanningVMA, !scanUnavailable else { return nil }
        let shift = UInt64(pageShift)
        if isLongNoneRest(row, from: address) { return address &+ Self.readAheadPages << shift }
        let limit = max(row.end, address) &+ boundedReadPages << shift
        boundedReadPages = min(boundedReadPages * 2, UInt64(pagemap.batchCapacity))
        return limit
    }

    // MARK: Frame flags window

    /// KPF flags of frames `[frameWindowStart, frameWindowStart +
    /// frameWindow.count)`. Each present page of a private file mapping
    /// (every shared library) needs its frame's KPF_ANON; a row's frames run
    /// on, so the rest of the row's are read in one pread instead of one
    /// each, which was most of verify's time on small processes
    /// (docs/BENCH.md, "Where the time goes").
    @exclusivity(unchecked) private var frameWindow: [KernelPageFlags] = []
    @exclusivity(unchecked) private var frameWindowStart: UInt64 = 0

    /// KPF_ANON of `frame`, reading it and up to `following - 1` frames
    /// after it (the rest of its row) when the window lacks it; nil when
    /// kpageflags cannot say.
    private func frameIsAnonymous(_ frameFlags: KernelPageFlagsReader, frame: UInt64, following: UInt64) -> Bool? {
        if frame >= frameWindowStart, frame - frameWindowStart < UInt64(frameWindow.count) {
            return frameWindow[Int(frame - frameWindowStart)].contains(.anon)
        }
        guard frame < UInt64.max - Self.frameWindowLimit else { return nil }
        let count = max(1, min(following, Self.frameWindowLimit))
        var flags = (try? frameFlags.values(ofFrames: frame..<(frame + count))) ?? []
        if flags.isEmpty, count > 1 {
            // A frame of the row past the last one kpageflags has: this one alone.
            flags = (try? frameFlags.values(ofFrames: frame..<(frame + 1))) ?? []
        }
        frameWindow = flags
        frameWindowStart = frame
        return flags.first?.contains(.anon)
    }

    /// Frames read at most at once (4 KiB of kpageflags).
    private static let frameWindowLimit: UInt64 = 512

    // MARK: Checking

    /// PagemapEntry bits `PageExpectation.compare` looks at, apart from
    /// the PFN field.
    private static let comparedBits = PagemapEntry.presentBit | PagemapEntry.swappedBit
        | PagemapEntry.softDirtyBit | PagemapEntry.uffdWriteProtectedBit | PagemapEntry.fileOrSharedAnonymousBit
        | PagemapEntry.guardRegionBit

    /// What `compare()` looks at of a page, apart from its payload: pages
    /// of one VMA with the same key and the same compared pagemap bits give
    /// the same result.
    private struct RowKey: Equatable {
        var placement: MappingRow.Placement
        var kind: EntryKind
        var flags: EntryFlags
        var swapType: UInt8
        /// KPF_ANON of the page's frame, for the pages whose file bit only
        /// kpageflags decides (private file pages); nil for the others.
        var frameIsAnonymous: Bool? = nil
    }

    /// A value per row key in the current VMA: a handful of keys (rows
    /// alternate between a few kinds), found by a linear search.
    private struct PerRowKey<Value> {
        private var entries: [(key: RowKey, value: Value)] = []

        subscript(key: RowKey) -> Value? {
            get { entries.first { $0.key == key }?.value }
            set {
                guard let newValue else { return }
                if let at = entries.firstIndex(where: { $0.key == key }) {
                    entries[at].value = newValue
                } else if entries.count < 8 {
                    entries.append((key, newValue))
                }
            }
        }

        mutating func removeAll() { entries.removeAll(keepingCapacity: true) }
    }

    /// Compared bits of a page that matched, per row key, in the current VMA.
    @exclusivity(unchecked) private var templates = PerRowKey<UInt64>()

    func check(_ row: MappingRow) {
        guard error == nil, let vma = current, vma.start == row.vmaStart else { return }
        let summary = report.vmas.count - 1
        let pageSize = UInt64(1) << UInt64(pageShift)
        // Fast path: a page whose entry has exactly the compared bits of a
        // page that matched, in the same VMA with the same row key (and,
        // present, its own PFN), matches too: compare() sees the same
        // inputs. For present and none rows whose file bit needs no
        // kpageflags lookup, over runs of pages; for private file pages,
        // whose file bit is their frame's KPF_ANON, page by page, keyed by
        // that flag too.
        let key = RowKey(placement: row.placement, kind: row.kind, flags: row.flags, swapType: row.swapType)
        var matched = templates[key]
        // Whether this row's pages need their frame's flags: the same for
        // every page of the row (kind, placement, flags and VMA decide).
        let rowFrameFlags = frameFlags.flatMap { reader -> KernelPageFlagsReader? in
            guard expectation.pfnsVisible, row.kind.payloadIsPFN else { return nil }
            return needsFrameFlags(key, row: row, vma: vma) ? reader : nil
        }
        var anonymousKey = key, fileKey = key
        anonymousKey.frameIsAnonymous = true
        fileKey.frameIsAnonymous = false
        var matchedAnonymous = rowFrameFlags == nil ? nil : templates[anonymousKey]
        var matchedFile = rowFrameFlags == nil ? nil : templates[fileKey]
        var address = row.start
        // Pages matched on the fast path, added to the report at the end:
        // the loop touches no stored property (each access of one is a
        // dynamic exclusivity check, which dominated sparse verifies).
        var fastPages: UInt64 = 0
        let pfnChecked = row.kind == .present && expectation.pfnsVisible
        defer {
            report.pagesChecked += fastPages
            report.vmas[summary].pages += fastPages
            if row.kind == .present { report.vmas[summary].present += fastPages }
        }
        if !scanningVMA, !scanUnavailable, isLongNoneRest(row, from: row.start), Self.scanApplies(to: vma) {
            scanningVMA = true
        }
        do {
            while address < row.end {
                if let bits = matched, !window.holds(address),
                   let populated = try firstPopulatedByScan(from: address, in: row, emptyBits: bits) {
                    let skipped = (populated - address) >> UInt64(pageShift)
                    fastPages += skipped
                    report.pagesCheckedByScan += skipped
                    address = populated
                    if address >= row.end { break }
                }
                var index = try windowIndex(address, vma: vma, row: row)
                let entries = window.entries
                while index < entries.count && address < row.end {
                    if let bits = matched {
                        // The fast path over as many pages as it holds, in
                        // one tight loop: address space that is reserved but
                        // empty (a JVM reserves gigabytes) is none pages by
                        // the hundred thousand (docs/BENCH.md, change 12).
                        let limit = min(entries.count - index, Int((row.end - address) >> UInt64(pageShift)))
                        let run = Self.matchingRun(entries, from: index, limit: limit, bits: bits,
                                                   firstFrame: pfnChecked ? row.payload(at: address, pageShift: pageShift) : nil,
                                                   frameStep: row.payloadStep)
                        fastPages += UInt64(run)
                        index += run
                        address &+= UInt64(run) << UInt64(pageShift)
                        if run == limit { continue }
                    }
                    let raw = entries[index]
                    let payload = row.payload(at: address, pageShift: pageShift)
                    var anonymous: Bool?
                    if let rowFrameFlags {
                        let following = row.payloadStep == 1 ? (row.end - address) >> UInt64(pageShift) : 1
                        anonymous = frameIsAnonymous(rowFrameFlags, frame: payload, following: following)
                        // The fast path of a private file page (every page
                        // of a shared library): a page that matched with
                        // the same KPF_ANON decides, and its own PFN.
                        if let anonymous, let bits = anonymous ? matchedAnonymous : matchedFile,
                           raw & Self.comparedBits == bits, raw & PagemapEntry.frameMask == payload {
                            fastPages += 1
                            index += 1
                            address &+= pageSize
                            continue
                        }
                    }
                    // A page no fast path took: compare() decides.
                    let page = PageExpectation.ModulePage(
                        address: address, placement: row.placement, kind: row.kind, flags: row.flags,
                        swapType: row.swapType, payload: payload, vma: vma)
                    let differences = expectation.compare(page, with: PagemapEntry(rawValue: raw),
                                                          frameIsAnonymous: anonymous)
                    record(page, differences, summary: summary)
                    if differences.isEmpty {
                        let bits = raw & Self.comparedBits
                        if rowFrameFlags == nil, row.kind == .present || row.kind == .none {
                            matched = bits
                            templates[key] = bits
                        } else if let anonymous, row.kind == .present {
                            if anonymous { matchedAnonymous = bits } else { matchedFile = bits }
                            templates[anonymous ? anonymousKey : fileKey] = bits
                        }
                    }
                    index += 1
                    address &+= pageSize
                }
            }
        } catch {
            self.error = error
        }
    }

    /// Whether pages of `key` in the current VMA need their frame's flags,
    /// per key and VMA (`needsFrameFlags` looks at neither address nor
    /// payload), asked once: a `ModulePage` holds a copy of the VMA, and
    /// building one for every row was about 1% of a many-vmas verify.
    @exclusivity(unchecked) private var frameFlagsNeeded = PerRowKey<Bool>()

    private func needsFrameFlags(_ key: RowKey, row: MappingRow, vma: VMA) -> Bool {
        if let known = frameFlagsNeeded[key] { return known }
        let needed = expectation.needsFrameFlags(PageExpectation.ModulePage(
            address: row.start, placement: row.placement, kind: row.kind, flags: row.flags,
            swapType: row.swapType, payload: 0, vma: vma))
        frameFlagsNeeded[key] = needed
        return needed
    }

    /// How many entries from `start` (at most `limit`) have exactly the
    /// compared `bits` and, when `firstFrame` is given, the frames
    /// `firstFrame`, `firstFrame + frameStep`, ...: the pages the fast path
    /// takes.
    private static func matchingRun(_ buffer: UnsafeBufferPointer<UInt64>, from start: Int, limit: Int, bits: UInt64,
                                    firstFrame: UInt64?, frameStep: UInt64) -> Int {
        var count = 0
        if var frame = firstFrame {
            while count < limit {
                let raw = buffer[start + count]
                guard raw & comparedBits == bits, raw & PagemapEntry.frameMask == frame else { break }
                count += 1
                frame &+= frameStep
            }
        } else {
            while count < limit && buffer[start + count] & comparedBits == bits {
                count += 1
            }
        }
        return count
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
        mismatched.insert(page.address)
        if moduleViews.count < Self.viewsKept { moduleViews[page.address] = ModuleView(page) }
        if report.mismatches.count < limit {
            report.mismatches.append(VerifyReport.Mismatch(address: page.address, vmaStart: page.vma.start,
                                                           differences: differences, persistent: nil))
        }
    }
}

extension PageChecker {
    /// What the module's walk said of one page: where its entry was, its
    /// kind, flags, swap type and payload (PFN or swap offset). Not the
    /// accessed and dirty bits: the CPU sets those as the process runs,
    /// without the page changing.
    struct ModuleView: Equatable {
        var placement: MappingRow.Placement
        var kind: EntryKind
        var flags: EntryFlags
        var swapType: UInt8
        var payload: UInt64

        init(_ page: PageExpectation.ModulePage) {
            placement = page.placement
            kind = page.kind
            flags = page.flags.subtracting([.accessed, .dirty])
            swapType = page.swapType
            payload = page.payload
        }
    }
}
