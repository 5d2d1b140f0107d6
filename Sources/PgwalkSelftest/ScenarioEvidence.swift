import PgwalkKit

/// Everything a scenario assertion may look at: the layout the scenario
/// printed, the module's view of pid (and pid2), and the kernel's other
/// views through narrow lookups, so that tests can synthesise all of it.
package struct ScenarioEvidence: Sendable {
    package var layout: ScenarioLayout
    package var view: ModuleView
    package var view2: ModuleView?
    /// A walk of just the `sparse` region, timed (the sparse scenario).
    package var regionWalk: ModuleView?
    /// /proc/PID/pagemap of pid at an address; nil when unreadable.
    package var pagemap: @Sendable (_ pid: Int32, _ address: UInt64) -> PagemapEntry?
    /// /proc/kpageflags of a frame; nil when unreadable (not root).
    package var kpageflags: @Sendable (_ pfn: UInt64) -> KernelPageFlags?
    /// A /proc/PID/smaps field (in kB) of the VMA containing an address,
    /// read now (after the walk).
    package var smapsKB: @Sendable (_ pid: Int32, _ address: UInt64, _ key: String) -> Int?

    package init(layout: ScenarioLayout, view: ModuleView, view2: ModuleView? = nil, regionWalk: ModuleView? = nil,
                pagemap: @escaping @Sendable (Int32, UInt64) -> PagemapEntry? = { _, _ in nil },
                kpageflags: @escaping @Sendable (UInt64) -> KernelPageFlags? = { _ in nil },
                smapsKB: @escaping @Sendable (Int32, UInt64, String) -> Int? = { _, _, _ in nil }) {
        self.layout = layout
        self.view = view
        self.view2 = view2
        self.regionWalk = regionWalk
        self.pagemap = pagemap
        self.kpageflags = kpageflags
        self.smapsKB = smapsKB
    }
}
