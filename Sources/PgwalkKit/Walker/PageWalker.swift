/// Walks a ``PageTableSource`` exactly as the kernel's `walk_page_range()`
/// (mm/pagewalk.c) walks an `mm_struct`, calling a ``PageWalkOps``; which
/// kernel's walker is mirrored is ``semantics`` (Linux 6.1, 6.12 or 7.3 as
/// Debian ships them; ``WalkerSemantics/newest`` by default).
///
/// What differs between the kernels (``WalkerSemantics``, docs/WALKER.md):
///
/// | | 6.1 | 6.12 | 7.3 |
/// |---|---|---|---|
/// | PTE table that cannot be mapped | walked anyway | `ACTION_AGAIN`: `pmd_entry` again | same as 6.12 |
/// | `ACTION_AGAIN` left by `pte_entry` | ignored | slot again | slot again |
/// | after `split_huge_pmd()` | `pmd_trans_unstable()`: slot again | the failing map: slot again | same as 6.12 |
/// | PUD not a present table when PMDs are walked | `pud_none()`: slot again, else walk the PMDs | `ACTION_AGAIN`: `pud_entry` again | same as 6.12 |
/// | `walk->action = SUBTREE` | before `p?d_entry` | before the none check | before the none check |
/// | hugetlb | `huge_pte_offset()`, no lock | `hugetlb_vma_lock_read()`, `hugetlb_walk()` | same as 6.12 |
/// | `walk_lock`, `install_pte` | neither | `walk_lock` | both (`install_pte`: `-EINVAL`) |
///
/// The same in all three, mirrored faithfully, including the parts that
/// surprise:
/// - VMAs are found with `find_vma()` semantics; gaps between them (and
///   after the last) are one `pte_hole(depth: -1)` each, with `walk.vma` nil.
/// - `walk_page_test()`: `test_walk` if set; otherwise a `VM_PFNMAP` VMA is
///   skipped, reported as one `pte_hole(-1)` when `pte_hole` is set (and a
///   non-zero hole result other than <0 still just skips it).
/// - `pre_vma` failing skips the VMA's walk *and* its `post_vma`; once
///   `pre_vma` succeeded, `post_vma` is called even if the walk failed.
/// - A hugetlb VMA is walked only through `hugetlb_entry`, one call per huge
///   page (`hugetlb_entry_end()`), `pte_hole(-1)` where the page tables have
///   no slot; without `hugetlb_entry` set nothing at all is reported for it.
/// - Folding: a level whose next level is folded has no none check (x86's
///   `pgd_none()` is 0 with 4-level paging), so `pgd_entry` *and*
///   `p4d_entry` are called for the same slot with the same value, and a
///   missing entry shows up at the folded level as a hole of depth
///   `real_depth()` (0 on 4-level, 1 on 5-level for a missing p4d).
/// - `walk.action` is reset to SUBTREE for the pud and pmd levels only;
///   AGAIN re-reads the entry and calls again (an ops that always says
///   AGAIN loops forever, as in the kernel); CONTINUE skips the descent; the
///   action is ignored after `pgd_entry`/`p4d_entry` (7.3 too).
/// - Descent needs a lower callback: PTE tables only with `pte_entry`, PMD
///   tables only with `pmd_entry` or `pte_entry`, and so on (7.3's
///   `has_handler`).
///
/// Splitting. When the kernel must descend into a huge or non-present
/// (migration) PMD (SUBTREE with `pte_entry` set) it calls
/// `split_huge_pmd()`. The model never changes its source, so the walker
/// reproduces the effect for the rest of this call instead:
/// - in an anonymous VMA (``VMA/isAnonymous``) the kernel turns the PMD
///   into a PTE table mapping the same pages; the walker descends into a
///   *synthesised PTE view* of it: `ptrs(pte)` entries with the PMD's kind
///   and flags, the PFN payload advanced by one per page (kept as is for
///   the zero page, a hidden PFN, or non-PFN kinds), and the raw value
///   advanced by one page per entry when the payload was (x86 bits that
///   differ between huge and small entries, PSE and PAT, are not
///   translated);
/// - in any other VMA the kernel zaps the PMD (it is refaulted later), finds
///   it unstable (6.1) or fails to map a PTE table there (6.5+) and starts
///   the slot again: the walker treats the PMD as none and reports a hole.
/// A huge PUD descended into (`pmd_entry` or `pte_entry` set) is always
/// zapped by `split_huge_pud()`: the walker re-reads it as none and reports
/// a hole. The pgwalk module answers CONTINUE for every leaf, so conformance
/// replays never reach any of this. A non-present, non-leaf PMD that is
/// descended into reads as an empty table, and so does such a PUD with 6.1
/// semantics. `p?d_bad()` entries are not modelled.
public struct PageWalker<Source: PageTableSource> {
    /// The page tables walked.
    public let source: Source
    /// Which kernel's `walk_page_range()` this walker mirrors.
    public let semantics: WalkerSemantics

    /// A walker over `source` with the kernel behaviour of `semantics`.
    public init(source: Source, semantics: WalkerSemantics = .newest) {
        self.source = source
        self.semantics = semantics
    }

    /// `walk_page_range(mm, start, end, ops, private)`.
    ///
    /// - Returns: 0 when the whole range was walked, the first non-zero
    ///   callback result that stopped it (positive results of `test_walk`
    ///   only skip a VMA), or `-EINVAL` when `start >= end`.
    public func walkPageRange<Ops: PageWalkOps>(start: UInt64, end: UInt64, ops: inout Ops) -> Int32 {
        var run = WalkRun(source: source, semantics: semantics, ops: ops)
        let result = run.walkPageRange(start: start, end: end)
        ops = run.ops
        return result
    }
}

/// One `walk_page_range()` call: the kernel's local state plus `struct mm_walk`.
private struct WalkRun<Source: PageTableSource, Ops: PageWalkOps> {
    let source: Source
    let semantics: WalkerSemantics
    let geometry: PagingGeometry
    var ops: Ops
    var walk: WalkContext
    /// Which callbacks are set, by ``WalkCallback`` raw value.
    let set: UInt16
    /// Slots that a mirrored `split_huge_pud()`/`split_huge_pmd()` zapped
    /// during this call, by level (pud, pmd) and slot start.
    var zapped: Set<ZappedSlot> = []
    /// `pte_offset_map_lock()` tries so far per PMD slot start.
    var mapAttempts: [UInt64: Int] = [:]

    struct ZappedSlot: Hashable {
        var level: PageTableLevel
        var start: UInt64
    }

    init(source: Source, semantics: WalkerSemantics, ops: Ops) {
        self.source = source
        self.semantics = semantics
        self.geometry = source.geometry
        self.ops = ops
        self.walk = WalkContext(geometry: source.geometry)
        self.set = ops.callbacks.reduce(0) { $0 | (1 << UInt16($1.rawValue)) }
    }

    func has(_ callback: WalkCallback) -> Bool { set & (1 << UInt16(callback.rawValue)) != 0 }

    /// The entry at `level` holding `addr`, a folded level reading the
    /// entry it is folded into (`p4d_offset()` on 4-level x86).
    func read(_ level: PageTableLevel, _ addr: UInt64) -> PageTableEntry {
        let stored = geometry.storageLevel(level)
        if !zapped.isEmpty, stored == .pud || stored == .pmd,
           zapped.contains(ZappedSlot(level: stored, start: geometry.entryStart(stored, addr))) {
            return .none(level)
        }
        var entry = source.entry(at: stored, address: addr)
        entry.level = level
        return entry
    }

    /// Records that the kernel's split would have cleared the slot at
    /// `level` (stored there or folded into it) holding `addr`.
    mutating func zap(_ level: PageTableLevel, _ addr: UInt64) {
        let stored = geometry.storageLevel(level)
        zapped.insert(ZappedSlot(level: stored, start: geometry.entryStart(stored, addr)))
    }

    /// `p?d_none()` as the kernel evaluates it at `level`: constant false
    /// when the level below is folded.
    func isNone(_ level: PageTableLevel, _ entry: PageTableEntry) -> Bool {
        geometry.hasNoneCheck(level) && entry.isNone
    }

    mutating func walkPageRange(start startAddress: UInt64, end: UInt64) -> Int32 {
        guard startAddress < end else { return LinuxErrno.invalidArgument }
        var err: Int32 = 0
        var start = startAddress
        var next: UInt64
        var vma = source.findVMA(start)
        while true {
            if vma == nil {                       // after the last vma
                walk.vma = nil
                next = end
                if has(.pteHole) { err = ops.pteHole(addr: start, next: next, depth: .noVMA, walk: &walk) }
            } else if start < vma!.start {        // outside vma
                walk.vma = nil
                next = min(end, vma!.start)
                if has(.pteHole) { err = ops.pteHole(addr: start, next: next, depth: .noVMA, walk: &walk) }
            } else {                              // inside vma
                walk.vma = vma
                next = min(end, vma!.end)
                vma = source.findVMA(vma!.end)

                err = walkPageTest(start, next)
                if err > 0 {
                    // Positive values only steer the walk: skip this VMA.
                    err = 0
                    start = next
                    if start < end { continue } else { break }
                }
                if err < 0 { break }
                err = walkVMARange(start, next)
            }
            if err != 0 { break }
            start = next
            if !(start < end) { break }
        }
        return err
    }

    /// `walk_page_test()`.
    mutating func walkPageTest(_ start: UInt64, _ end: UInt64) -> Int32 {
        if has(.testWalk) { return ops.testWalk(start: start, end: end, walk: &walk) }
        if walk.vma!.flags.contains(.pfnMap) {
            var err: Int32 = 1
            if has(.pteHole) { err = ops.pteHole(addr: start, next: end, depth: .noVMA, walk: &walk) }
            return err != 0 ? err : 1
        }
        return 0
    }

    /// `__walk_page_range()`: one VMA's part of the range.
    mutating func walkVMARange(_ start: UInt64, _ end: UInt64) -> Int32 {
        var err: Int32 = 0
        if has(.preVMA) {
            err = ops.preVMA(start: start, end: end, walk: &walk)
            if err != 0 { return err }
        }
        if walk.vma!.isHugetlb {
            if has(.hugetlbEntry) { err = walkHugetlbRange(start, end) }
        } else {
            err = walkPGDRange(start, end)
        }
        if has(.postVMA) { ops.postVMA(walk: &walk) }
        return err
    }

    /// `walk_hugetlb_range()`. The huge page size comes from the VMA
    /// (``VMA/hugePageSize``), the PMD size when it is unknown or invalid.
    mutating func walkHugetlbRange(_ start: UInt64, _ end: UInt64) -> Int32 {
        var size = walk.vma!.hugePageSize ?? geometry.entrySize(.pmd)
        if size < geometry.pageSize || size & (size &- 1) != 0 { size = geometry.entrySize(.pmd) }
        let hmask = ~(size &- 1)
        var err: Int32 = 0
        var addr = start
        repeat {
            let boundary = (addr & hmask) &+ size
            let next = boundary < end ? boundary : end      // hugetlb_entry_end()
            if let entry = source.hugetlbEntry(at: addr & hmask, pageSize: size) {
                err = ops.hugetlbEntry(entry, hmask: hmask, addr: addr, next: next, walk: &walk)
            } else if has(.pteHole) {
                err = ops.pteHole(addr: addr, next: next, depth: .noVMA, walk: &walk)
            }
            if err != 0 { break }
            addr = next
        } while addr != end
        return err
    }

    /// `walk_pgd_range()`.
    mutating func walkPGDRange(_ start: UInt64, _ end: UInt64) -> Int32 {
        var err: Int32 = 0
        var addr = start
        repeat {
            let next = geometry.addrEnd(.pgd, addr, end)
            let entry = read(.pgd, addr)
            if isNone(.pgd, entry) {               // pgd_none_or_clear_bad()
                if has(.pteHole) {
                    err = ops.pteHole(addr: addr, next: next, depth: HoleDepth(level: .pgd), walk: &walk)
                }
                if err != 0 { break }
                addr = next
                continue
            }
            if has(.pgdEntry) {
                err = ops.pgdEntry(entry, addr: addr, next: next, walk: &walk)
                if err != 0 { break }
            }
            if has(.p4dEntry) || has(.pudEntry) || has(.pmdEntry) || has(.pteEntry) {
                err = walkP4DRange(addr, next)
            }
            if err != 0 { break }
            addr = next
        } while addr != end
        return err
    }

    /// `walk_p4d_range()`.
    mutating func walkP4DRange(_ start: UInt64, _ end: UInt64) -> Int32 {
        var err: Int32 = 0
        let depth = geometry.realDepth(.p4d)
        var addr = start
        repeat {
            let next = geometry.addrEnd(.p4d, addr, end)
            let entry = read(.p4d, addr)
            if isNone(.p4d, entry) {               // p4d_none_or_clear_bad()
                if has(.pteHole) { err = ops.pteHole(addr: addr, next: next, depth: depth, walk: &walk) }
                if err != 0 { break }
                addr = next
                continue
            }
            if has(.p4dEntry) {
                err = ops.p4dEntry(entry, addr: addr, next: next, walk: &walk)
                if err != 0 { break }
            }
            if has(.pudEntry) || has(.pmdEntry) || has(.pteEntry) {
                err = walkPUDRange(addr, next)
            }
            if err != 0 { break }
            addr = next
        } while addr != end
        return err
    }

    /// `walk_pud_range()`.
    mutating func walkPUDRange(_ start: UInt64, _ end: UInt64) -> Int32 {
        var err: Int32 = 0
        let depth = geometry.realDepth(.pud)
        var addr = start
        repeat {
            var next: UInt64
            again: while true {
                if semantics.resetsActionBeforeNoneCheck { walk.action = .subtree }
                next = geometry.addrEnd(.pud, addr, end)
                let entry = read(.pud, addr)
                if isNone(.pud, entry) {
                    if has(.pteHole) { err = ops.pteHole(addr: addr, next: next, depth: depth, walk: &walk) }
                    break again                    // then: if (err) break; continue
                }
                if !semantics.resetsActionBeforeNoneCheck { walk.action = .subtree }
                if has(.pudEntry) { err = ops.pudEntry(entry, addr: addr, next: next, walk: &walk) }
                if err != 0 { break again }
                if walk.action == .again { continue again }

                if (walk.vma == nil && (entry.isLeaf || !entry.isPresent))
                    || walk.action == .continue
                    || !(has(.pmdEntry) || has(.pteEntry)) {
                    break again
                }
                if walk.vma != nil, entry.isPresent, entry.isLeaf {
                    // split_huge_pud() clears a huge PUD; it is refaulted later.
                    zap(.pud, addr)
                }
                // 6.1 re-checks pud_none() here; later walkers leave it to
                // walk_pmd_range(), which answers ACTION_AGAIN.
                if !semantics.rechecksPUDBeforePMDs, isNone(.pud, read(.pud, addr)) { continue again }
                err = walkPMDRange(addr, next)
                if err != 0 { break again }
                if semantics.rechecksPUDBeforePMDs, walk.action == .again { continue again }
                break again
            }
            if err != 0 { break }
            addr = next
        } while addr != end
        return err
    }

    /// `walk_pmd_range()`.
    mutating func walkPMDRange(_ start: UInt64, _ end: UInt64) -> Int32 {
        if semantics.rechecksPUDBeforePMDs && !geometry.isFolded(.pud) {
            // pudp_get(): a PUD that is no longer a present table (zapped by
            // the split above, refaulted huge, non-present) sends the walker
            // back to walk_pud_range()'s again.
            let pud = read(.pud, start)
            if !pud.isPresent || pud.isLeaf {
                walk.action = .again
                return 0
            }
        }
        var err: Int32 = 0
        let depth = geometry.realDepth(.pmd)
        var addr = start
        repeat {
            var next: UInt64
            again: while true {
                if semantics.resetsActionBeforeNoneCheck { walk.action = .subtree }
                next = geometry.addrEnd(.pmd, addr, end)
                let entry = read(.pmd, addr)
                if isNone(.pmd, entry) {
                    if has(.pteHole) { err = ops.pteHole(addr: addr, next: next, depth: depth, walk: &walk) }
                    break again
                }
                if !semantics.resetsActionBeforeNoneCheck { walk.action = .subtree }
                if has(.pmdEntry) { err = ops.pmdEntry(entry, addr: addr, next: next, walk: &walk) }
                if err != 0 { break again }
                if walk.action == .again { continue again }

                if (walk.vma == nil && (entry.isLeaf || !entry.isPresent))
                    || walk.action == .continue
                    || !has(.pteEntry) {
                    break again
                }
                // split_huge_pmd() on a huge or non-present PMD.
                let split = walk.vma != nil && (entry.isLeaf || !entry.isPresent)
                if split && !walk.vma!.isAnonymous {
                    zap(.pmd, addr)
                    // 6.1: pmd_trans_unstable(); 6.5+: pte_offset_map_lock()
                    // fails on the now empty PMD and walk_pte_range() says
                    // ACTION_AGAIN. Either way the slot starts again.
                    if semantics.retriesUnmappedPTETable { walk.action = .again }
                    continue again
                }
                if semantics.retriesUnmappedPTETable && !split {
                    let slot = geometry.entryStart(.pmd, addr)
                    let attempt = mapAttempts[slot, default: 0]
                    mapAttempts[slot] = attempt + 1
                    if !source.mapsPTETable(at: slot, attempt: attempt) {
                        walk.action = .again
                        continue again
                    }
                }
                err = walkPTERange(addr, next, splitFrom: split ? entry : nil)
                if err != 0 { break again }
                // 6.5+ honours an ACTION_AGAIN that pte_entry left.
                if semantics.retriesUnmappedPTETable, walk.action == .again { continue again }
                break again
            }
            if err != 0 { break }
            addr = next
        } while addr != end
        return err
    }

    /// `walk_pte_range()`: every PTE in `[start, end)`, none or not.
    mutating func walkPTERange(_ start: UInt64, _ end: UInt64, splitFrom huge: PageTableEntry?) -> Int32 {
        let page = geometry.pageSize
        var err: Int32 = 0
        var addr = start
        while true {
            let entry = huge.map { splitView(of: $0, at: addr) } ?? read(.pte, addr)
            err = ops.pteEntry(entry, addr: addr, next: addr &+ page, walk: &walk)
            if err != 0 { break }
            if addr >= end &- page { break }
            addr &+= page
        }
        return err
    }

    /// The PTE at `addr` of the table a split of `huge` would produce.
    func splitView(of huge: PageTableEntry, at addr: UInt64) -> PageTableEntry {
        let pages = (addr &- geometry.entryStart(.pmd, addr)) >> UInt64(geometry.pageShift)
        let info = huge.info
        guard info.kind.payloadIsPFN, info.payload != 0, !info.flags.contains(.zeroPage),
              !info.flags.contains(.truncated), info.payload &+ pages <= EntryInfo.payloadMax else {
            return PageTableEntry(level: .pte, raw: huge.raw, info: info)
        }
        return PageTableEntry(level: .pte, raw: huge.raw &+ (pages << UInt64(geometry.pageShift)),
                              info: info.withPayload(info.payload + pages))
    }
}
