/// Which pages a scan reports: those whose categories, after flipping the
/// `inverted` ones, include all of `required` and (unless empty) at least one
/// of `anyOf`. These map to category_mask / category_anyof_mask /
/// category_inverted of struct pm_scan_arg.
public struct PagemapScanFilter: Sendable, Hashable {
    /// Categories every page reported must have (`category_mask`).
    public var required: PageCategories
    /// Categories a page reported must have at least one of (`category_anyof_mask`).
    public var anyOf: PageCategories
    /// Categories tested for absence rather than presence (`category_inverted`).
    public var inverted: PageCategories

    /// A filter; the default reports every page.
    public init(required: PageCategories = [], anyOf: PageCategories = [], inverted: PageCategories = []) {
        self.required = required
        self.anyOf = anyOf
        self.inverted = inverted
    }

    /// Every page inside a VMA, populated or not. Ranges outside any VMA,
    /// and VM_PFNMAP areas such as [vvar_vclock] (and [vvar] before 7.x,
    /// which maps it VM_MIXEDMAP), are never reported.
    public static let everything = PagemapScanFilter()
    /// Pages that are present or swapped.
    public static let populated = PagemapScanFilter(anyOf: [.present, .swapped])
}
