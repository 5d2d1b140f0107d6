/// Page tables rebuilt from /proc/PID/maps, smaps and pagemap: the
/// "pagemap" source of `pgwalkctl walk --source pagemap`, which any
/// ``PageWalkOps`` can walk like the module's stream.
///
/// Pagemap shows leaves only, so the rest is inferred, and said so here:
/// - a table entry above a leaf is present when any page below it is
///   populated (present or swapped); emptied tables read as none;
/// - a PMD leaf (THP) is inferred where PAGEMAP_SCAN reports the pages as
///   `PAGE_IS_HUGE` (6.7+), or, without it, where /proc/kpageflags shows a
///   THP compound head at a 2 MiB boundary followed by 511 contiguous
///   frames all present (a PTE-mapped THP can look the same);
/// - hugetlb VMAs (smaps `ht`) get one hugetlb entry per populated huge
///   page, with the PFN of its first subpage; unpopulated ones have no slot;
/// - raw values are unknown (0), and so are the accessed, dirty, write and
///   user bits; soft-dirty, uffd-wp and swap type/offset come from pagemap.
public enum PagemapPageTables {
    /// The tables of `pid` over `[start, end)`, from its maps, smaps and pagemap
    /// (and kpageflags when readable).
    public static func build(pid: Int32, start: UInt64 = 0, end: UInt64 = .max,
                             geometry: PagingGeometry) throws -> PageTables {
        let target = ProcTarget.process(pid)
        let maps = try ProcessMaps.read(target)
        let smaps = (try? SmapsVMAAttributes.read(target)) ?? [:]
        let pagemap = try PagemapReader(target)
        defer { try? pagemap.close() }
        let frameFlags = try? KernelPageFlagsReader()
        defer { try? frameFlags?.close() }
        var tables = PageTables(geometry: geometry)
        let pageSize = geometry.pageSize
        let pmdSize = geometry.entrySize(.pmd)
        let pagesPerPMD = pmdSize / pageSize

        for mapping in maps where mapping.end > start && mapping.start < end && mapping.kind != .vsyscall {
            let attributes = smaps[mapping.start]
            let vma = makeVMA(mapping, attributes)
            try tables.setVMA(vma)
            let lo = max(mapping.start, start)
            let hi = min(mapping.end, end)
            if vma.flags.contains(.pfnMap) { continue }

            if vma.isHugetlb, let size = vma.hugePageSize {
                try pagemap.forEachPopulatedRun(in: lo..<hi) { run in
                    for index in run.entries.indices {
                        let address = run.entries.address(at: index)
                        let head = address & ~(size - 1)
                        guard address == head || address == lo else { continue }
                        let e = run.entries[index]
                        let info = entryInfo(e, leaf: true, firstPFNOf: (address - head) / pageSize)
                        tables.setHugetlbEntry(raw: 0, info: info, at: head)
                    }
                }
                continue
            }

            try pagemap.forEachPopulatedRun(in: lo..<hi) { run in
                let huge = run.categories?.contains(.huge) ?? false
                var index = 0
                let entries = run.entries
                while index < entries.count {
                    let address = entries.address(at: index)
                    let e = entries[index]
                    // A whole, aligned PMD of contiguous present frames: a THP leaf?
                    if address % pmdSize == 0, index + Int(pagesPerPMD) <= entries.count, let pfn = e.pfn,
                       isPMDLeaf(entries, from: index, count: Int(pagesPerPMD), scanSaysHuge: huge,
                                 headFlags: huge ? nil : (try? frameFlags?.flags(ofFrame: pfn)) ?? nil) {
                        tables.ensureTableEntries(above: .pmd, at: address)
                        tables.setEntry(PageTableEntry(level: .pmd, raw: 0, info: entryInfo(e, leaf: true)), at: address)
                        index += Int(pagesPerPMD)
                        continue
                    }
                    tables.ensureTableEntries(above: .pte, at: address)
                    tables.setPTE(raw: 0, info: entryInfo(e, leaf: e.isPresent), at: address)
                    index += 1
                }
            }
        }
        return tables
    }

    static func isPMDLeaf(_ entries: PagemapBatch, from index: Int, count: Int, scanSaysHuge: Bool,
                          headFlags: KernelPageFlags?) -> Bool {
        guard let first = entries[index].pfn else { return false }
        if !scanSaysHuge {
            guard let flags = headFlags, flags.contains(.thp), flags.contains(.compoundHead) else { return false }
        }
        // Without visible PFNs (all 0) contiguity cannot be told.
        guard first != 0, first % UInt64(count) == 0 else { return false }
        for offset in 1..<count {
            guard entries[index + offset].pfn == first + UInt64(offset) else { return false }
        }
        return true
    }

    /// The module's info word for what pagemap says of a page.
    static func entryInfo(_ e: PagemapEntry, leaf: Bool, firstPFNOf subpage: UInt64 = 0) -> EntryInfo {
        var flags: EntryFlags = []
        if leaf { flags.insert(.leaf) }
        if e.isSoftDirty { flags.insert(.softDirty) }
        if e.isUffdWriteProtected { flags.insert(.uffdWP) }
        if let pfn = e.pfn {
            return EntryInfo(kind: .present, flags: flags, payload: pfn >= subpage ? pfn - subpage : pfn)
        }
        if e.isSwapped {
            return EntryInfo(kind: .swap, flags: flags, swapType: e.swapType ?? 0, payload: e.swapOffset ?? 0)
        }
        return EntryInfo(kind: .none, flags: flags)
    }

    static func makeVMA(_ m: MemoryMapping, _ smaps: SmapsVMAAttributes?) -> VMA {
        var flags = smaps?.flags ?? []
        if m.permissions.contains(.read) { flags.insert(.read) }
        if m.permissions.contains(.write) { flags.insert(.write) }
        if m.permissions.contains(.execute) { flags.insert(.exec) }
        if m.permissions.contains(.shared) { flags.insert(.shared) }
        let backing: VMABacking
        switch m.kind {
        case .anonymous, .namedAnonymous: backing = .anonymous
        case .namedSharedAnonymous: backing = .sharedAnonymous
        case .file(let path, _):
            backing = path.string.hasPrefix("/dev/zero") || path.string.hasPrefix("/SYSV") ? .sharedAnonymous : .file
        case .heap, .stack, .vdso, .vvar, .vsyscall, .special: backing = .special
        }
        let hugeSize = flags.contains(.hugetlb) ? smaps?.kernelPageSize : nil
        return VMA(start: m.start, end: m.end, flags: flags, pageOffset: m.offset / 4096, inode: m.inode,
                   device: m.device.major << 20 | m.device.minor, backing: backing, name: m.pathname,
                   hugePageSize: hugeSize)
    }
}
