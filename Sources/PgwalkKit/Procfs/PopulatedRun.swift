/// Consecutive populated pages (present or swapped), with what PAGEMAP_SCAN
/// said about them when the scan path produced the run.
public struct PopulatedRun {
    /// The entries; every one is present or swapped.
    public let entries: PagemapBatch
    /// The scan's categories for these pages (restricted to the scan's
    /// return mask); nil on the plain-read path.
    public let categories: PageCategories?

    /// The run's addresses.
    public var addresses: Range<UInt64> { entries.addresses }
}
