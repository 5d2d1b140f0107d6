#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CPgwalkShims
import SystemPackage

/// The PAGEMAP_SCAN ioctl (Linux 6.7+) on the reader's pagemap descriptor.
///
/// What it adds to plain reads: category bits per range — `.huge` (PMD-mapped
/// THP or hugetlb, invisible in pagemap entries), `.pfnZero` (the zero page),
/// `.guardRegion` (6.14+) — and a walk that skips unpopulated page tables, so
/// the present/swapped ranges of a huge sparse VMA come back in one call.
/// pgwalk never sets PM_SCAN_WP_MATCHING: scanning changes nothing.
extension PagemapReader {
    /// Whether this kernel has PAGEMAP_SCAN and which categories it accepts.
    /// Probed once, with an empty range at address 0, on first use.
    public var scanSupport: PagemapScanSupport {
        if let cached = cachedScanSupport { return cached }
        let result = probeScanSupport()
        cachedScanSupport = result
        return result
    }

    /// True on kernels with PAGEMAP_SCAN (6.7+).
    public var supportsScan: Bool { scanSupport.isSupported }

    /// What the running kernel offers, probed on /proc/self/pagemap (for an
    /// `info` command, before any target is chosen).
    public static func runningKernelScanSupport() throws -> PagemapScanSupport {
        try PagemapReader(.current, batchCapacity: 1).scanSupport
    }

    /// Calls `body` for each region PAGEMAP_SCAN reports in `range` (page
    /// aligned outward), in address order.
    ///
    /// Regions cover only pages inside VMAs that match `filter`; each is a
    /// maximal run of pages with the same categories, restricted to
    /// `returning` (default: every category the kernel knows). Regions split
    /// between two ioctl calls are joined again, so the output does not
    /// depend on the buffer size.
    ///
    /// Throws `.scanUnsupported` before 6.7, `.processGone` if the target
    /// has exited.
    public func scan(
        _ range: Range<UInt64>, filter: PagemapScanFilter = .everything,
        returning: PageCategories? = nil, _ body: (PageRegion) throws -> Void
    ) throws {
        var pending: PageRegion?
        try scanRaw(range, filter: filter, returning: returning) { region in
            if var current = pending {
                if current.addresses.upperBound == region.addresses.lowerBound
                    && current.categories == region.categories {
                    current.addresses = current.addresses.lowerBound..<region.addresses.upperBound
                    pending = current
                    return
                }
                try body(current)
            }
            pending = region
        }
        if let last = pending { try body(last) }
    }

    /// The regions of `range` as an array. For small ranges and tests.
    public func scanRegions(
        _ range: Range<UInt64>, filter: PagemapScanFilter = .everything, returning: PageCategories? = nil
    ) throws -> [PageRegion] {
        var regions: [PageRegion] = []
        try scan(range, filter: filter, returning: returning) { regions.append($0) }
        return regions
    }

    /// The address of the first page of `range` (page aligned outward)
    /// that is present or swapped, `range.upperBound` when none is; nil on
    /// kernels without PAGEMAP_SCAN.
    ///
    /// One PAGEMAP_SCAN with room for one region: the kernel walks the
    /// range until it finds a populated page, skipping page tables that do
    /// not exist, and copies nothing out for the empty pages before it.
    /// Every PTE that is not none counts (swap, migration and every marker,
    /// guard markers included, are `.swapped`), so the pages before the one
    /// returned are none or holes, whose pagemap entries hold nothing but
    /// their VMA's soft-dirty bit.
    ///
    /// A scan of a process that has exited finds nothing, as if the range
    /// were empty: a caller that acts on an empty answer confirms the
    /// target is alive afterwards, once for all its scans.
    public func firstPopulatedPage(in range: Range<UInt64>) throws -> UInt64? {
        guard supportsScan else { return nil }
        let fd = try openDescriptor()
        let (firstPage, endPage) = pages(of: range)
        var next = firstPage * pageSize
        let end = endPage * pageSize
        var region = pgwalk_page_region()
        while next < end {
            let (count, walkEnd) = try withUnsafeMutablePointer(to: &region) {
                try scanOnce(fd, start: next, end: end, filter: .populated, returning: [.present, .swapped],
                             vector: $0, capacity: 1)
            }
            if count > 0 { return max(region.start, range.lowerBound) }
            // Nothing found, yet the kernel stopped early (a fatal signal):
            // go on from where it stopped.
            next = try resumePoint(walkEnd, from: next)
        }
        return range.upperBound
    }

    // MARK: - Internals

    func probeScanSupport() -> PagemapScanSupport {
        guard let fd = descriptor else { return .unsupported(.badFileDescriptor) }
        // Address 0 is never mapped (vm.mmap_min_addr), so this reports
        // nothing; what matters is whether the kernel accepts the call and
        // the 6.14 GUARD category.
        for categories in [PageCategories.allKnown, .original] {
            var arg = scanArgument(
                start: 0, end: pageSize, filter: .everything, returning: categories, vector: nil, capacity: 0)
            if pgwalk_pagemap_scan(fd.rawValue, &arg) >= 0 {
                return .supported(categories: categories)
            }
            let error = Errno(rawValue: errno)
            if error != .invalidArgument { return .unsupported(error) }
        }
        return .unsupported(.invalidArgument)
    }

    func scanArgument(
        start: UInt64, end: UInt64, filter: PagemapScanFilter, returning: PageCategories,
        vector: UnsafeMutablePointer<pgwalk_page_region>?, capacity: Int
    ) -> pgwalk_pm_scan_arg {
        pgwalk_pm_scan_arg(
            size: UInt64(MemoryLayout<pgwalk_pm_scan_arg>.size),
            flags: 0,
            start: start,
            end: end,
            walk_end: 0,
            vec: UInt64(UInt(bitPattern: vector)),
            vec_len: UInt64(capacity),
            max_pages: 0,
            category_inverted: filter.inverted.rawValue,
            category_mask: filter.required.rawValue,
            category_anyof_mask: filter.anyOf.rawValue,
            return_mask: returning.rawValue)
    }

    /// Issues PAGEMAP_SCAN until the whole range is walked, handing over the
    /// regions exactly as the kernel returned them.
    func scanRaw(
        _ range: Range<UInt64>, filter: PagemapScanFilter, returning: PageCategories?,
        _ body: (PageRegion) throws -> Void
    ) throws {
        let fd = try openDescriptor()
        guard case .supported(let known) = scanSupport else {
            let error: Errno? = if case .unsupported(let e) = scanSupport { e } else { nil }
            throw ProcfsError(.scanUnsupported, errno: error, path: path, operation: "ioctl(PAGEMAP_SCAN)")
        }
        let returnMask = (returning ?? known).intersection(known)
        let (firstPage, endPage) = pages(of: range)
        let regions = scanBuffer()
        var next = firstPage * pageSize
        let end = endPage * pageSize
        while next < end {
            let (count, walkEnd) = try scanOnce(
                fd, start: next, end: end, filter: filter, returning: returnMask,
                vector: regions.baseAddress, capacity: regions.count)
            var walked = walkEnd
            for region in regions.prefix(count) {
                try body(PageRegion(
                    addresses: region.start..<region.end, categories: PageCategories(rawValue: region.categories)))
                walked = max(walked, region.end)
            }
            // Resume after the last region returned, even when walk_end is
            // smaller: when the vector fills up during the kernel's final
            // internal pass, walk_end keeps the value of an earlier pass
            // (seen on 6.18) and resuming there would report pages twice.
            next = try resumePoint(walked, from: next)
        }
        try checkTargetAlive(operation: "ioctl(PAGEMAP_SCAN)")
    }

    /// One PAGEMAP_SCAN of `[start, end)` into the `capacity` regions at
    /// `vector`, issued again when a signal interrupts it: how many regions
    /// it filled and where its walk ended.
    func scanOnce(
        _ fd: FileDescriptor, start: UInt64, end: UInt64, filter: PagemapScanFilter, returning: PageCategories,
        vector: UnsafeMutablePointer<pgwalk_page_region>?, capacity: Int
    ) throws -> (count: Int, walkEnd: UInt64) {
        while true {
            var arg = scanArgument(
                start: start, end: end, filter: filter, returning: returning, vector: vector, capacity: capacity)
            let count = pgwalk_pagemap_scan(fd.rawValue, &arg)
            if count >= 0 { return (Int(count), arg.walk_end) }
            let error = Errno(rawValue: errno)
            if error != .interrupted {
                throw ProcfsError.fromSystemCall(error, operation: "ioctl(PAGEMAP_SCAN)", path: path, perProcess: true)
            }
        }
    }

    /// Where the next scan starts: `walked`, which must be past `next`.
    /// The kernel always advances; stop rather than spin if not.
    func resumePoint(_ walked: UInt64, from next: UInt64) throws -> UInt64 {
        guard walked > next else {
            throw ProcfsError(.systemCall, path: path, operation: "ioctl(PAGEMAP_SCAN) made no progress")
        }
        return walked
    }

    func scanBuffer() -> UnsafeMutableBufferPointer<pgwalk_page_region> {
        if let buffer = regionBuffer { return buffer }
        let buffer = UnsafeMutableBufferPointer<pgwalk_page_region>.allocate(capacity: Self.scanRegionCapacity)
        regionBuffer = buffer
        return buffer
    }

    /// The scan path of `forEachPopulatedRun`: scan for present/swapped
    /// regions, then read their entries, joining neighbouring regions into one
    /// pread of up to `batchCapacity` entries.
    func populatedRunsByScan(
        in range: Range<UInt64>, returning: PageCategories?, _ body: (PopulatedRun) throws -> Void
    ) throws {
        try withIterationGuard {
            // The span being gathered: consecutive pages from spanFirstPage,
            // made of regions (page count, categories).
            var spanFirstPage: UInt64 = 0
            var spanPages = 0
            var spanRegions: [(pages: Int, categories: PageCategories)] = []

            func flush() throws {
                guard spanPages > 0 else { return }
                let batch = try readBatch(firstPage: spanFirstPage, count: spanPages)
                var offset = 0
                for region in spanRegions {
                    // Pages that went away since the scan are left out.
                    try batch.slice(offset..<offset + region.pages).forEachPopulatedRun {
                        try body(PopulatedRun(entries: $0, categories: region.categories))
                    }
                    offset += region.pages
                }
                spanPages = 0
                spanRegions.removeAll(keepingCapacity: true)
            }

            try scan(range, filter: .populated, returning: returning) { region in
                var page = region.addresses.lowerBound / pageSize
                let endPage = region.addresses.upperBound / pageSize
                while page < endPage {
                    if spanPages > 0 && (page != spanFirstPage + UInt64(spanPages) || spanPages == batchCapacity) {
                        try flush()
                    }
                    if spanPages == 0 { spanFirstPage = page }
                    let take = Int(min(endPage - page, UInt64(batchCapacity - spanPages)))
                    spanRegions.append((take, region.categories))
                    spanPages += take
                    page += UInt64(take)
                }
            }
            try flush()
        }
    }
}
