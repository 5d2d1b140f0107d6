extension PagingGeometry {
    /// The paging geometry of the running kernel, for sources that do not
    /// carry one (pagemap). The module's info file says it exactly; without
    /// the module, 5-level paging is assumed when the CPU has LA57 and the
    /// kernel maps anything above the 47-bit boundary, else 4-level.
    public static func ofRunningKernel(paths: ModulePaths = .default) -> PagingGeometry {
        if let info = try? ModuleInfo.read(paths: paths), let levels = info.pagingLevels {
            return levels == 5 ? .x86_64FiveLevel : .x86_64FourLevel
        }
        if let maps = try? ProcessMaps.read(.current), maps.contains(where: { $0.end > (1 << 47) && $0.kind != .vsyscall }) {
            return .x86_64FiveLevel
        }
        return .x86_64FourLevel
    }

    /// The default user address limit (`TASK_SIZE` for a process that has
    /// not asked for the 5-level range): one page below 2^47, or 2^56.
    public var userAddressLimit: UInt64 {
        levels == 5 ? (1 << 56) - pageSize : (1 << 47) - pageSize
    }
}
