import SystemPackage

/// Whether the kernel has PAGEMAP_SCAN, and with which categories.
public enum PagemapScanSupport: Sendable, Hashable {
    /// Linux 6.7+: the ioctl works; `categories` are those it accepts
    /// (`.allKnown` on 6.14+, `.original` before).
    case supported(categories: PageCategories)
    /// The ioctl failed with this errno (ENOTTY before 6.7).
    case unsupported(Errno)

    /// Whether PAGEMAP_SCAN can be used.
    public var isSupported: Bool {
        if case .supported = self { return true }
        return false
    }
}
