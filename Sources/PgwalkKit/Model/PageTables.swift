/// A compact in-memory page-table tree with its VMA list: the
/// ``PageTableSource`` that the stream (``StreamPageTables``) and the pagemap
/// reader fill in and the walker reads.
///
/// Storage: upper-level entries (pgd to pmd) in one dictionary per level,
/// keyed by slot; PTE tables as contiguous arrays of `(raw, info)` words,
/// 16 bytes per entry, so a densely mapped 1 GiB (512 tables) costs about
/// 4 MiB. Slots never set read as none entries. Entries of folded levels are
/// stored at the level they are folded into.
///
/// Later calls override earlier ones: a stream is a sequence of observations
/// and the latest one of a slot or a range wins.
public struct PageTables: PageTableSource, Sendable {
    /// The paging geometry of the tables.
    public let geometry: PagingGeometry

    /// The VMAs, sorted by address, never overlapping.
    public private(set) var vmas: [VMA] = []

    private struct Slot: Hashable, Sendable {
        var raw: UInt64
        var info: UInt64
    }

    /// pgd, p4d, pud, pmd: slot key `address >> shift(level)`.
    private var upper: [[UInt64: Slot]] = Array(repeating: [:], count: 4)
    /// PTE table key (`address >> shift(pmd)`) to its first word in `pteWords`.
    private var pteTables: [UInt64: Int] = [:]
    /// Two words (raw, info) per PTE, `ptrs(pte)` PTEs per table.
    private var pteWords: [UInt64] = []
    /// hugetlb entries by the huge page's start address.
    private var hugetlb: [UInt64: Slot] = [:]

    /// Empty tables of `geometry`: no VMA, every entry none.
    public init(geometry: PagingGeometry) {
        self.geometry = geometry
    }

    // MARK: PageTableSource

    /// The VMA containing `address`, or the first one above it (`find_vma()`).
    public func findVMA(_ address: UInt64) -> VMA? {
        let index = firstVMAIndex(endingAbove: address)
        return index < vmas.count ? vmas[index] : nil
    }

    /// The entry of the table at `level` that covers `address` (none when absent).
    public func entry(at level: PageTableLevel, address: UInt64) -> PageTableEntry {
        let stored = geometry.storageLevel(level)
        if stored == .pte {
            guard let base = pteTables[pteTableKey(address)] else { return .none(level) }
            let word = base + 2 * geometry.index(.pte, address)
            return PageTableEntry(level: level, raw: pteWords[word], info: EntryInfo(rawValue: pteWords[word + 1]) ?? .none)
        }
        guard let slot = upper[stored.rawValue][slotKey(stored, address)] else { return .none(level) }
        return PageTableEntry(level: level, raw: slot.raw, info: EntryInfo(rawValue: slot.info) ?? .none)
    }

    public func hugetlbEntry(at address: UInt64, pageSize: UInt64) -> PageTableEntry? {
        guard let slot = hugetlb[address] else { return nil }
        let level: PageTableLevel = pageSize >= geometry.entrySize(.pud) ? .pud : .pmd
        return PageTableEntry(level: level, raw: slot.raw, info: EntryInfo(rawValue: slot.info) ?? .none)
    }

    // MARK: Building

    /// Adds a VMA, removing any VMAs it overlaps (the newest observation of
    /// a range wins). Identical repeats (a resumed walk) change nothing.
    public mutating func setVMA(_ vma: VMA) throws(PageTablesError) {
        let pageMask = geometry.pageSize - 1
        guard vma.start < vma.end, vma.start & pageMask == 0, vma.end & pageMask == 0 else {
            throw PageTablesError(.badVMABounds(start: vma.start, end: vma.end))
        }
        if let size = vma.hugePageSize {
            guard size >= geometry.pageSize, size & (size - 1) == 0 else {
                throw PageTablesError(.badHugePageSize(size))
            }
        }
        let index = firstVMAIndex(endingAbove: vma.start)
        while index < vmas.count, vmas[index].start < vma.end {
            vmas.remove(at: index)
        }
        vmas.insert(vma, at: index)
    }

    /// Records the huge page size of the hugetlb VMA holding `address`, if
    /// it does not have one yet.
    public mutating func noteHugePageSize(_ size: UInt64, at address: UInt64) {
        let index = firstVMAIndex(endingAbove: address)
        guard index < vmas.count, vmas[index].contains(address), vmas[index].hugePageSize == nil,
              size >= geometry.pageSize, size & (size - 1) == 0 else { return }
        vmas[index].hugePageSize = size
    }

    /// Stores `entry` in the slot at `entry.level` holding `address`.
    public mutating func setEntry(_ entry: PageTableEntry, at address: UInt64) {
        let stored = geometry.storageLevel(entry.level)
        if stored == .pte {
            setPTE(raw: entry.raw, info: entry.info, at: address)
            return
        }
        let key = slotKey(stored, address)
        if entry.raw == 0 && entry.info == .none {
            upper[stored.rawValue].removeValue(forKey: key)
        } else {
            upper[stored.rawValue][key] = Slot(raw: entry.raw, info: entry.info.rawValue)
        }
    }

    /// Makes the slot at `level` holding `address` none (raw 0).
    public mutating func clearEntry(at level: PageTableLevel, address: UInt64) {
        setEntry(.none(level), at: address)
    }

    /// Stores one PTE.
    public mutating func setPTE(raw: UInt64, info: EntryInfo, at address: UInt64) {
        let key = pteTableKey(address)
        let base: Int
        if let existing = pteTables[key] {
            base = existing
        } else {
            if raw == 0 && info == .none { return }
            base = pteWords.count
            pteWords.append(contentsOf: repeatElement(0, count: 2 * geometry.ptrs(.pte)))
            pteTables[key] = base
        }
        let word = base + 2 * geometry.index(.pte, address)
        pteWords[word] = raw
        pteWords[word + 1] = info.rawValue
    }

    /// Stores consecutive PTEs, one page apart, starting at `address`.
    public mutating func setPTEs(startingAt address: UInt64, _ entries: [(raw: UInt64, info: EntryInfo)]) {
        var at = address
        for entry in entries {
            setPTE(raw: entry.raw, info: entry.info, at: at)
            at &+= geometry.pageSize
        }
    }

    /// Makes `count` consecutive PTEs from `address` none (raw 0).
    public mutating func clearPTEs(startingAt address: UInt64, count: Int) {
        var at = address
        for _ in 0..<max(count, 0) {
            setPTE(raw: 0, info: .none, at: at)
            at &+= geometry.pageSize
        }
    }

    /// Gives every level above `level` on the path to `address` a present
    /// table entry where it has none, so that the walker reaches `level`.
    /// The synthesised entries have raw 0 and kind PRESENT without LEAF:
    /// useful for sources (like pagemap) that know leaves but not tables.
    public mutating func ensureTableEntries(above level: PageTableLevel, at address: UInt64) {
        for upperLevel in PageTableLevel.allCases where upperLevel < level && upperLevel != .pte {
            guard geometry.storageLevel(upperLevel) == upperLevel else { continue }
            if entry(at: upperLevel, address: address).isNone {
                setEntry(PageTableEntry(level: upperLevel, raw: 0, info: EntryInfo(kind: .present)), at: address)
            }
        }
    }

    /// Stores the hugetlb entry of the huge page starting at `address`
    /// (a slot exists from now on, even for a none entry).
    public mutating func setHugetlbEntry(raw: UInt64, info: EntryInfo, at address: UInt64) {
        hugetlb[address] = Slot(raw: raw, info: info.rawValue)
    }

    /// Removes the hugetlb slot at `address`: `huge_pte_offset()` finds nothing.
    public mutating func removeHugetlbEntry(at address: UInt64) {
        hugetlb.removeValue(forKey: address)
    }

    // MARK: Statistics

    /// Number of PTE tables held (each `ptrs(pte)` entries).
    public var pteTableCount: Int { pteTables.count }

    /// Number of upper-level (pgd to pmd) entries held.
    public var upperEntryCount: Int { upper.reduce(0) { $0 + $1.count } }

    /// Number of hugetlb slots held.
    public var hugetlbEntryCount: Int { hugetlb.count }

    /// An estimate of the memory the tables use, in bytes: PTE words plus
    /// about 48 bytes per dictionary element.
    public var estimatedByteCount: Int {
        pteWords.capacity * 8 + (pteTables.count + upperEntryCount + hugetlb.count) * 48
            + vmas.count * MemoryLayout<VMA>.stride
    }

    // MARK: Private

    private func slotKey(_ level: PageTableLevel, _ address: UInt64) -> UInt64 {
        address >> UInt64(geometry.shift(level))
    }

    private func pteTableKey(_ address: UInt64) -> UInt64 {
        address >> UInt64(geometry.shift(.pmd))
    }

    /// Binary search: index of the first VMA with `end > address`.
    private func firstVMAIndex(endingAbove address: UInt64) -> Int {
        var low = 0
        var high = vmas.count
        while low < high {
            let mid = (low + high) / 2
            if vmas[mid].end > address { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
