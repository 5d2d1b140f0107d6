/// The outcome of `pgwalkctl verify`: a summary per VMA and every mismatch.
public struct VerifyReport: Sendable {
    /// One VMA's numbers.
    public struct VMASummary: Sendable {
        /// The VMA.
        public var vma: VMA
        /// Pages of the VMA inside the verified range.
        public var pages: UInt64 = 0
        /// Pages the module saw present / as swap-format entries.
        public var present: UInt64 = 0
        /// Pages the module saw as swap-format entries.
        public var swapped: UInt64 = 0
        /// Pages that differed at first sight.
        public var mismatches: UInt64 = 0
        /// Mismatches that differed again when re-checked.
        public var persistent: UInt64 = 0
    }

    /// One page whose two views differ.
    public struct Mismatch: Sendable {
        /// The page's address.
        public var address: UInt64
        /// The start of the VMA the page is in (nil outside VMAs).
        public var vmaStart: UInt64?
        /// The fields that differ.
        public var differences: [PageExpectation.Difference]
        /// nil until re-checked: true when it still differed.
        public var persistent: Bool?
    }

    /// The walk verified.
    public var description: WalkDescription
    /// One summary per walked VMA, in address order.
    public var vmas: [VMASummary] = []
    /// The first `limit` mismatches, in address order (all of them are
    /// re-checked and counted, listed or not).
    public var mismatches: [Mismatch] = []
    /// Every page that differed at first sight.
    public var totalMismatches: UInt64 = 0
    /// The mismatches that differed again when re-checked.
    public var persistentMismatches: UInt64 = 0
    /// The mismatches that agreed when re-checked.
    public var transientMismatches: UInt64 = 0
    /// Pages compared.
    public var pagesChecked: UInt64 = 0
    /// VMAs that /proc/PID/maps and the walk disagree on, persistently:
    /// found again by every further look (docs/VERIFY.md, "VMAs").
    public var vmaDifferences: [String] = []
    /// VMA differences of the first look that further looks did not find
    /// again: the target's mappings changed while it was walked.
    public var transientVMADifferences = 0
    /// Whether the target was held stopped during the walk and the reads.
    public var frozen = false
    /// Whether /proc/kpageflags was read (to tell file pages from anonymous).
    public var usedKPageFlags = false
    /// Pages of ``pagesChecked`` compared without reading their entries:
    /// pages of long none rows that PAGEMAP_SCAN (Linux 6.7+) found neither
    /// present nor swapped, whose entries then hold only their VMA's
    /// soft-dirty bit (docs/VERIFY.md, "Long empty rows"). 0 before 6.7.
    public var pagesCheckedByScan: UInt64 = 0

    /// An empty report of the walk `description`.
    public init(description: WalkDescription) {
        self.description = description
    }

    /// True when nothing persistent differs.
    public var matches: Bool { persistentMismatches == 0 && vmaDifferences.isEmpty }
}
