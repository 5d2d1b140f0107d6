/// One range from PAGEMAP_SCAN: consecutive pages that share `categories`
/// (restricted to the return mask of the scan).
public struct PageRegion: Sendable, Hashable, CustomStringConvertible {
    /// The region's addresses.
    public var addresses: Range<UInt64>
    /// What every page of the region is.
    public var categories: PageCategories

    /// A region of `addresses` whose pages are all `categories`.
    public init(addresses: Range<UInt64>, categories: PageCategories) {
        self.addresses = addresses
        self.categories = categories
    }

    public var description: String {
        "0x\(String(addresses.lowerBound, radix: 16))-0x\(String(addresses.upperBound, radix: 16)) \(categories)"
    }
}
