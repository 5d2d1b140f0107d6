/// How `PagemapReader.forEachPopulatedRun` finds populated pages.
public enum PagemapAccessMethod: Sendable, Hashable {
    /// PAGEMAP_SCAN where the kernel has it, plain reads otherwise.
    case automatic
    /// Read every entry of the range and keep the populated ones. Works on
    /// every kernel.
    case plainRead
    /// Ask PAGEMAP_SCAN for present/swapped ranges and read only their
    /// entries. Throws `.scanUnsupported` on kernels before 6.7.
    case scan
}
