/// The rules of docs/VERIFY.md: what `/proc/PID/pagemap` must say about a
/// page, given what the module's walk saw there.
///
/// Every rule names the Linux 6.1 code it mirrors (fs/proc/task_mmu.c:
/// `pte_to_pagemap_entry()`, `pagemap_pmd_range()`,
/// `pagemap_hugetlb_range()`, `pagemap_pte_hole()`).
public struct PageExpectation: Sendable {
    /// The pagemap fields a page is compared on.
    public enum Field: String, Sendable, CaseIterable {
        case present, swapped, pfn, swapType = "swap_type", swapOffset = "swap_offset"
        case softDirty = "soft_dirty", uffdWP = "uffd_wp", file
        case guardRegion = "guard_region"
    }

    /// One field that differs.
    public struct Difference: Sendable, Hashable {
        /// The field.
        public var field: Field
        /// The module's value, as printed.
        public var module: String
        /// pagemap's value, as printed.
        public var pagemap: String
    }

    /// What the module saw at one page.
    public struct ModulePage: Sendable {
        /// The page's address.
        public var address: UInt64
        /// Where the module found the page's entry.
        public var placement: MappingRow.Placement
        /// The entry's kind.
        public var kind: EntryKind
        /// The entry's flags.
        public var flags: EntryFlags
        /// The swap type of a swap entry (0 otherwise).
        public var swapType: UInt8
        /// The page's own PFN / swap offset (the leaf's plus the index).
        public var payload: UInt64
        /// The VMA the page is in.
        public var vma: VMA
    }

    /// Whether both views carry real PFNs (CAP_SYS_ADMIN for both).
    public var pfnsVisible: Bool
    /// Whether this kernel's pagemap sets bit 58 on guard markers (rule 10):
    /// true on 6.15+, false where guard regions are older than the bit or
    /// absent, nil when unknown (a guard marker may then read either way).
    /// Setting it makes it given (``GuardRegionAnswer/given(_:)``).
    public var guardRegionsInPagemap: Bool? {
        get { guardRegions.pagemapReportsGuards }
        set { guardRegions = .given(newValue) }
    }
    /// Where the answer comes from: given, or (verify's default) the running
    /// kernel's, probed the first time a guard marker needs it.
    package var guardRegions: GuardRegionAnswer

    /// Expectations for a pagemap that shows PFNs or not (`pfnsVisible`), and
    /// that reports guard regions or not (nil: unknown, either is accepted).
    public init(pfnsVisible: Bool, guardRegionsInPagemap: Bool? = nil) {
        self.pfnsVisible = pfnsVisible
        self.guardRegions = .given(guardRegionsInPagemap)
    }

    /// The marker payload bit of a guard region (FORMAT.md section 4,
    /// PGWALK_MARKER_GUARD).
    package static let guardMarkerBit: UInt64 = 4

    /// Whether the file bit of `page` can only be decided with
    /// /proc/kpageflags (`KPF_ANON` of its frame).
    public func needsFrameFlags(_ page: ModulePage) -> Bool {
        !fileBitIsEitherWay(page) && expectedFileBit(page, frameIsAnonymous: nil) == nil
    }

    /// The differences between the module's page and pagemap's entry.
    /// `frameIsAnonymous` is `KPF_ANON` of the page's frame, when known.
    public func compare(_ page: ModulePage, with entry: PagemapEntry, frameIsAnonymous: Bool? = nil) -> [Difference] {
        var out: [Difference] = []
        func check(_ field: Field, _ expected: Bool, _ actual: Bool) {
            if expected != actual { out.append(Difference(field: field, module: String(expected), pagemap: String(actual))) }
        }
        let isHugetlb: Bool
        if case .hugetlb = page.placement { isHugetlb = true } else { isHugetlb = false }

        // Rule 1 (present): pte_present()/pmd_present(), on both sides.
        let present = page.kind == .present
        // Rule 2 (swapped): is_swap_pte()/is_swap_pmd() set PM_SWAP; 6.1's
        // pagemap_hugetlb_range() never does.
        let swapFormat = [.swap, .migration, .device, .marker, .hwpoison].contains(page.kind)
        let swapped = swapFormat && !isHugetlb
        check(.present, present, entry.isPresent)
        check(.swapped, swapped, entry.isSwapped)
        guard out.isEmpty else { return out }

        // Rule 3 (PFN) and 4 (swap type and offset), when PFNs are visible.
        if present, pfnsVisible, let pfn = entry.pfn, pfn != page.payload {
            out.append(Difference(field: .pfn, module: Hex.short(page.payload), pagemap: Hex.short(pfn)))
        }
        if swapped {
            if let type = entry.swapType, type != page.swapType {
                out.append(Difference(field: .swapType, module: String(page.swapType), pagemap: String(type)))
            }
            if pfnsVisible, let offset = entry.swapOffset, offset != page.payload {
                out.append(Difference(field: .swapOffset, module: Hex.short(page.payload), pagemap: Hex.short(offset)))
            }
        }

        // Rule 5 (soft-dirty): the entry's bit or VM_SOFTDIRTY; hugetlb only
        // the VMA's (pagemap_hugetlb_range() does not read the huge PTE's).
        let vmaSoftDirty = page.vma.flags.contains(.softDirty)
        let entrySoftDirty = isHugetlb ? false : page.flags.contains(.softDirty) && (present || swapFormat)
        check(.softDirty, vmaSoftDirty || entrySoftDirty, entry.isSoftDirty)

        // Rule 6 (uffd-wp): pte_uffd_wp(), the swap bit, or a uffd-wp marker.
        let markerWP = page.kind == .marker && page.payload & 1 != 0
        check(.uffdWP, page.flags.contains(.uffdWP) || markerWP, entry.isUffdWriteProtected)

        // Rule 7 (file/shared-anon): page && !PageAnon(page).
        if !fileBitIsEitherWay(page), let expected = expectedFileBit(page, frameIsAnonymous: frameIsAnonymous) {
            check(.file, expected, entry.isFileOrSharedAnonymous)
        }

        // Rule 10 (guard region): PM_GUARD_REGION is set for a guard marker
        // (is_guard_swp_entry() / softleaf_is_guard_marker() in
        // pte_to_pagemap_entry(), 6.15+) and for nothing else.
        let guardMarker = page.kind == .marker && page.payload & Self.guardMarkerBit != 0
        if entry.isGuardRegion != guardMarker {
            if guardMarker {
                // Guard regions older than the bit (6.13, 6.14) read without it.
                if guardRegionsInPagemap == true { check(.guardRegion, true, false) }
            } else {
                check(.guardRegion, false, true)
            }
        }
        return out
    }

    /// The huge zero page mapped by a PMD, whose file bit depends on the
    /// kernel: 6.1 and 6.12 pagemap_pmd_range() take pmd_page(), a page that
    /// is not anonymous, and set it; 7.3 takes vm_normal_page_pmd(), which
    /// is NULL for the huge zero page (as vm_normal_page() is for the 4 KiB
    /// one), and does not. Either is right (docs/VERIFY.md rule 7).
    func fileBitIsEitherWay(_ page: ModulePage) -> Bool {
        page.kind == .present && page.placement != .level(.pte) && page.flags.contains(.zeroPage)
    }

    /// nil when either value is legitimate (docs/VERIFY.md rule 7).
    func expectedFileBit(_ page: ModulePage, frameIsAnonymous: Bool?) -> Bool? {
        let ptePlaced = page.placement == .level(.pte)
        switch page.kind {
        case .none, .other, .swap, .marker:
            // No struct page behind it: `page` stays NULL.
            return false
        case .migration, .device, .hwpoison:
            if let anon = frameIsAnonymous { return !anon }
            return nil
        case .present:
            // vm_normal_page() is NULL for the 4 KiB zero page and special PTEs.
            if ptePlaced && (page.flags.contains(.zeroPage) || page.flags.contains(.special)) { return false }
            if page.vma.flags.contains(.pfnMap) { return false }
            if let anon = frameIsAnonymous { return !anon }
            switch page.vma.backing {
            case .anonymous: return page.vma.flags.contains(.shared)
            case .sharedAnonymous: return true
            case .special:
                // [heap] and [stack] are anonymous memory with a name; the
                // vDSO's pages belong to the kernel image, not to anon_vma.
                let anonymous = page.vma.name == "[heap]" || page.vma.name.hasPrefix("[stack")
                return !anonymous
            case .file:
                // Private file mappings hold copy-on-write anonymous pages,
                // but only once they have an anon_vma.
                return page.vma.flags.contains(.shared) || page.vma.flags.contains(.noAnonVMA) ? true : nil
            }
        }
    }
}

/// Where verify learns whether pagemap reports guard regions (rule 10).
package enum GuardRegionAnswer: Sendable {
    /// Given (nil: unknown, a guard marker may read either way).
    case given(Bool?)
    /// The running kernel's (``GuardRegionReporting/runningKernel``, probed
    /// once per process) the first time a guard marker needs it: a run
    /// meeting no guard region pays no probe (docs/BENCH.md, change 13).
    case runningKernel

    /// The answer; asking `.runningKernel` probes the running kernel once.
    var pagemapReportsGuards: Bool? {
        switch self {
        case .given(let reported): reported
        case .runningKernel: GuardRegionReporting.runningKernel.pagemapReportsGuards
        }
    }
}
