/// The outcome of `pgwalkctl verify`: a summary per VMA and every mismatch.
public struct VerifyReport: Sendable {
    /// One VMA's numbers.
    public struct VMASummary: Sendable {
        public var vma: VMA
        /// Pages of the VMA inside the verified range.
        public var pages: UInt64 = 0
        /// Pages the module saw present / as swap-format entries.
        public var present: UInt64 = 0
        public var swapped: UInt64 = 0
        /// Pages that differed at first sight.
        public var mismatches: UInt64 = 0
        public var persistent: UInt64 = 0
    }

    /// One page whose two views differ.
    public struct Mismatch: Sendable {
        public var address: UInt64
        public var vmaStart: UInt64?
        public var differences: [PageExpectation.Difference]
        /// nil until re-checked: true when it still differed.
        public var persistent: Bool?
    }

    public var description: WalkDescription
    public var vmas: [VMASummary] = []
    /// The first `limit` mismatches, in address order.
    public var mismatches: [Mismatch] = []
    public var totalMismatches: UInt64 = 0
    public var persistentMismatches: UInt64 = 0
    public var transientMismatches: UInt64 = 0
    /// Mismatches beyond the re-check limit: counted as persistent.
    public var uncheckedMismatches: UInt64 = 0
    public var pagesChecked: UInt64 = 0
    /// VMAs in /proc/PID/maps and in the walk that disagree (after a re-read).
    public var vmaDifferences: [String] = []
    public var frozen = false
    public var usedKPageFlags = false
    public var pagemapMethod = "read"

    public init(description: WalkDescription) {
        self.description = description
    }

    /// True when nothing persistent differs.
    public var matches: Bool { persistentMismatches == 0 && vmaDifferences.isEmpty }
}
