/// One line of `pgwalkctl walk`: a run of pages that the page tables map
/// the same way, in the spirit of the kernel's ptdump.
///
/// Consecutive pages are merged into one row when they sit at the same
/// level in the same VMA, have the same kind, flags and swap type, and their
/// payloads continue one another (PFN or swap offset + 1 per page), so the
/// PFN of any page in the row is `payload + (address - start) / pageSize`.
/// With PFNs hidden every payload is 0 and rows merge on equal payloads.
public struct MappingRow: Hashable, Sendable {
    /// Where the walk found the mapping: a level, or a hugetlb entry.
    public enum Placement: Hashable, Sendable, CustomStringConvertible {
        case level(PageTableLevel)
        case hugetlb(pageSize: UInt64)

        public var description: String {
            switch self {
            case .level(let level): return level.description
            case .hugetlb(let size): return "hugetlb-" + ByteSize.short(size)
            }
        }
    }

    /// The row's first address.
    public var start: UInt64
    /// The row's end (exclusive).
    public var end: UInt64
    /// Where the walk found the entries.
    public var placement: Placement
    /// `.none` for a hole or an empty entry.
    public var kind: EntryKind
    /// The entries' flags, alike for every page of the row.
    public var flags: EntryFlags
    /// The swap type of swap entries (0 for other kinds).
    public var swapType: UInt8
    /// The first page's PFN, swap offset or marker bits.
    public var payload: UInt64
    /// How many payload units each page adds (1 for PFNs and swap
    /// offsets when visible, 0 otherwise).
    public var payloadStep: UInt64
    /// The VMA the pages belong to (nil outside VMAs).
    public var vmaStart: UInt64?
    /// The raw value of the row's first entry, as the stream carries it
    /// (0 for holes).
    public var raw: UInt64 = 0
    /// What each further entry of the row adds to ``raw`` (u64 arithmetic,
    /// wrapping, as a PTE_SEQ's `raw_step`): entry `i` is exactly
    /// `raw + i * rawStep`. 0 when the row has one entry.
    public var rawStep: UInt64 = 0
    /// How many entries (callbacks) the row covers: pages for PTE rows,
    /// huge pages for PMD, PUD and hugetlb rows, table slots for holes.
    public var entryCount: UInt64 = 1

    /// How many 4 KiB pages the row spans.
    public var pageCount: UInt64 { (end - start) >> 12 }

    /// What the payload of the row's first page means, by kind.
    public enum PayloadField: Hashable, Sendable {
        case pfn(UInt64)
        case swap(type: UInt8, offset: UInt64)
        case marker(UInt64)
        case none
    }

    /// The row's first payload, by what it means for the row's kind.
    public var payloadField: PayloadField {
        switch kind {
        case .present, .migration, .device, .hwpoison: return .pfn(payload)
        case .swap: return .swap(type: swapType, offset: payload)
        case .marker: return .marker(payload)
        case .none, .other: return .none
        }
    }

    /// The raw value of the row's entry `index` (0 ..< ``entryCount``).
    public func raw(ofEntry index: UInt64) -> UInt64 { raw &+ index &* rawStep }

    /// `row` joined to the end of this one, when the two are one run of
    /// pages mapped alike: adjacent, at the same level in the same VMA, the
    /// same kind, flags and swap type, payloads continuing one another, and
    /// raw values that keep advancing by one step. Nil otherwise. The step
    /// of a one-entry row is free: the next entry fixes it.
    public func joined(with row: MappingRow, pageShift: Int) -> MappingRow? {
        guard end == row.start, placement == row.placement, kind == row.kind, flags == row.flags,
              swapType == row.swapType, vmaStart == row.vmaStart, payloadStep == row.payloadStep,
              payload(at: row.start, pageShift: pageShift) == row.payload else { return nil }
        let step = entryCount == 1 ? row.raw &- raw : rawStep
        guard raw &+ entryCount &* step == row.raw,
              row.entryCount == 1 || row.rawStep == step else { return nil }
        var joined = self
        joined.end = row.end
        joined.rawStep = step
        joined.entryCount += row.entryCount
        return joined
    }

    /// The payload of the page at `address` (a PFN, swap offset or markers).
    public func payload(at address: UInt64, pageShift: Int = 12) -> UInt64 {
        payload &+ ((address &- start) >> UInt64(pageShift)) &* payloadStep
    }
}
