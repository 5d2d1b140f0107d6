import PgwalkKit

/// Applies what a scenario needs, every change through the
/// ``SystemSettings`` journal so that it is put back afterwards.
///
/// A need that cannot be met is not an error here: the scenario program
/// checks for itself and prints `skip REASON`; the setup's message is added
/// to that reason.
package struct SystemSetup: Sendable {
    package let settings: SystemSettings

    package init(settings: SystemSettings) { self.settings = settings }

    static let thpDirectory = "/sys/kernel/mm/transparent_hugepage"
    static let ksmDirectory = "/sys/kernel/mm/ksm"
    static func hugepages(_ kb: Int) -> String { "/sys/kernel/mm/hugepages/hugepages-\(kb)kB" }

    /// Applies `need`; returns a note on what could not be done, or nil.
    package func apply(_ need: ScenarioNeed) -> String? {
        do {
            switch need {
            case .swap: try ZramSwap(settings: settings).ensureSwap()
            case .ksm: try enableKSM()
            case .hugetlb2M(let count): try reserveHugePages(kb: 2048, free: count)
            case .hugetlb1G: try reserveHugePages(kb: 1_048_576, free: 1)
            case .thp(let zeroPage): try enableTHP(zeroPage: zeroPage)
            case .loopAndExt4: try loadModules(["loop", "ext4"])
            case .mthp64K: try enableMultiSizeTHP(kb: 64)
            case .shmemTHP: try enableShmemTHP()
            }
            return nil
        } catch {
            return "setting up \(need) failed: \(error)"
        }
    }

    func enableKSM() throws {
        let dir = Self.ksmDirectory
        guard settings.exists(dir + "/run") else { return }
        try settings.set(dir + "/pages_to_scan", to: "1000")
        try settings.set(dir + "/sleep_millisecs", to: "20")
        try settings.set(dir + "/run", to: "1")
    }

    /// Raises nr_hugepages until `free` pages of that size are free.
    func reserveHugePages(kb: Int, free wanted: Int) throws {
        let dir = Self.hugepages(kb)
        guard let total = settings.readInt(dir + "/nr_hugepages"),
              let free = settings.readInt(dir + "/free_hugepages") else {
            return // no such page size here: the scenario skips and says how to boot
        }
        guard free < wanted else { return }
        try settings.set(dir + "/nr_hugepages", to: String(total + wanted - free))
    }

    func enableTHP(zeroPage: Bool) throws {
        let dir = Self.thpDirectory
        guard let enabled = settings.read(dir + "/enabled") else { return }
        if enabled == "never" { try settings.set(dir + "/enabled", to: "madvise") }
        // With defrag "never" a MADV_HUGEPAGE fault may not find a THP.
        if settings.read(dir + "/defrag") == "never" { try settings.set(dir + "/defrag", to: "madvise") }
        if zeroPage { try settings.set(dir + "/use_zero_page", to: "1") }
    }

    /// Lets MADV_HUGEPAGE faults allocate anonymous folios of `kb` KiB
    /// (Linux 6.8+ multi-size THP): the size's `enabled` becomes `madvise`
    /// where it is `never`, or `inherit` while the global setting is. A
    /// kernel without the size's directory is left alone (the scenario
    /// skips and says so).
    func enableMultiSizeTHP(kb: Int) throws {
        let dir = Self.thpDirectory
        let size = "\(dir)/hugepages-\(kb)kB/enabled"
        guard let mode = settings.read(size) else { return }
        let global = settings.read(dir + "/enabled")
        if mode == "never" || (mode == "inherit" && global == "never") {
            try settings.set(size, to: "madvise")
        }
    }

    /// Lets shmem (memfd, MAP_SHARED|MAP_ANONYMOUS) use PMD-sized THP on
    /// MADV_HUGEPAGE: `shmem_enabled` becomes `advise` where it is `never`
    /// or `deny`, and the PMD size's own `shmem_enabled` (6.11+, for shared
    /// anonymous memory) `inherit` where it is `never`.
    func enableShmemTHP() throws {
        let dir = Self.thpDirectory
        guard let mode = settings.read(dir + "/shmem_enabled") else { return }
        if mode == "never" || mode == "deny" { try settings.set(dir + "/shmem_enabled", to: "advise") }
        let pmdSize = dir + "/hugepages-2048kB/shmem_enabled"
        if settings.read(pmdSize) == "never" { try settings.set(pmdSize, to: "inherit") }
    }

    /// modprobe each module that is not loaded; rmmod it afterwards (which
    /// fails harmlessly while it is in use).
    func loadModules(_ names: [String]) throws {
        for name in names where !settings.exists("/sys/module/\(name)") {
            try settings.run(["modprobe", name], undo: ["rmmod", name])
        }
    }
}
