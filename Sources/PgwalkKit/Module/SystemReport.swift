#if canImport(Glibc)
import Glibc
#endif

/// What `pgwalkctl info` shows: the module (if loaded), the running kernel,
/// and what /proc/PID/pagemap offers on it.
public struct SystemReport: Sendable {
    /// pgwalkctl's version.
    public var toolVersion = PgwalkKitVersion.string
    /// The running kernel's release (`uname -r`).
    public var kernelRelease: String
    /// The page size.
    public var pageSize: Int
    /// nil when the module is not loaded; `moduleProblem` says why.
    public var module: ModuleInfo?
    /// Why the module's info could not be read (nil when it was).
    public var moduleProblem: String?
    /// Whether PAGEMAP_SCAN works.
    public var pagemapScan: Bool
    /// The categories PAGEMAP_SCAN accepts, named.
    public var pagemapScanCategories: String
    /// Whether pagemap shows PFNs to this process.
    public var pfnsVisible: Bool
    /// Whether /proc/kpageflags can be read.
    public var kpageflagsReadable: Bool
    /// The kernel's lockdown level: at integrity and above the walk file
    /// cannot be opened.
    public var lockdown: KernelLockdown = .unknown

    /// `uname -r`.
    public static var kernelRelease: String {
        var uts = utsname()
        _ = uname(&uts)
        return withUnsafeBytes(of: uts.release) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Whether /proc/PID/pagemap shows this process real PFNs (it needs
    /// CAP_SYS_ADMIN): our own stack page is present, so its PFN is 0 only
    /// when PFNs are hidden.
    static func pagemapShowsPFNs(_ reader: PagemapReader) -> Bool {
        var probe = 0
        let address = withUnsafeMutablePointer(to: &probe) { UInt64(UInt(bitPattern: $0)) }
        guard let entry = try? reader.entry(at: address), let pfn = entry.pfn else { return false }
        return pfn != 0
    }

    /// Whether pagemap shows PFNs to this process (CAP_SYS_ADMIN).
    public static var pagemapShowsPFNs: Bool {
        guard let reader = try? PagemapReader(.current) else { return false }
        defer { try? reader.close() }
        return pagemapShowsPFNs(reader)
    }

    /// What `pgwalkctl info` reports, gathered now.
    public static func gather(paths: ModulePaths = .default) -> SystemReport {
        let release = kernelRelease
        var module: ModuleInfo?
        var problem: String?
        do {
            module = try ModuleInfo.read(paths: paths)
        } catch {
            problem = String(describing: error)
        }
        var scan = false
        var categories = "none"
        var pfns = false
        if let reader = try? PagemapReader(.current) {
            switch reader.scanSupport {
            case .supported(let c):
                scan = true
                categories = c.description
            case .unsupported(let errno):
                categories = "unsupported (\(errno))"
            }
            pfns = pagemapShowsPFNs(reader)
            try? reader.close()
        }
        let kpf = (try? KernelPageFlagsReader()) != nil
        return SystemReport(kernelRelease: release, pageSize: Int(sysconf(Int32(_SC_PAGESIZE))), module: module,
                            moduleProblem: problem, pagemapScan: scan, pagemapScanCategories: categories,
                            pfnsVisible: pfns, kpageflagsReadable: kpf, lockdown: .current)
    }

    /// The report as `pgwalkctl info` prints it.
    public var text: String {
        var lines = ["pgwalkctl \(toolVersion)", "kernel: \(kernelRelease), page size \(pageSize)"]
        if let module {
            lines.append("module: pgwalk \(module["module_version"] ?? "?"), format \(module["format_version"] ?? "?")"
                + ", built for \(module["kernel_version"] ?? "?")")
            lines.append("versions: " + VersionCheck(info: module).summary)
            lines.append("paging: \(module["paging_levels"] ?? "?")-level")
            let levels = ["pgd", "p4d", "pud", "pmd", "pte"]
            let ptrs = levels.map { "\($0) \(module["ptrs_per_" + $0] ?? "?")" }.joined(separator: ", ")
            lines.append("entries per table: \(ptrs)")
            lines.append("user address limit: \(module["task_size_max"] ?? "?")")
            let walkPath = module.walkPageRangePath?.summary(redirects: module.walkPageRangeRedirects)
            let accessPath = module.ptraceMayAccessPath?.summary(redirects: module.ptraceMayAccessRedirects)
            lines.append("walk_page_range: \(walkPath ?? "?"), ptrace_may_access: \(accessPath ?? "?"), "
                + "IBT: \(module["ibt"] ?? "?")")
            if let ran = module.stubFallthroughs, ran > 0 {
                lines.append("warning: the module's call stubs ran \(ran) time(s) instead of the kernel functions "
                    + "(ftrace did not redirect them): walks failed with EOPNOTSUPP, access checks were denied; see dmesg")
            }
            lines.append("session buffer: \(module["buffer_size"] ?? "?") bytes, sessions open: \(module["sessions"] ?? "?")")
        } else {
            lines.append("module: not loaded (\(moduleProblem ?? "unknown"))")
        }
        switch lockdown {
        case .none:
            lines.append("lockdown: none")
        case .unknown:
            lines.append("lockdown: unknown (\(KernelLockdown.defaultPath) is not readable)")
        case .integrity, .confidentiality:
            lines.append("lockdown: \(lockdown.name): debugfs refuses the walk file and unsigned modules "
                + "do not load; walk, translate and verify --source module cannot run (kmod/README.md, \"Lockdown\")")
        }
        lines.append("pagemap: PAGEMAP_SCAN \(pagemapScan ? "yes (\(pagemapScanCategories))" : "no (\(pagemapScanCategories))")"
            + ", PFNs \(pfnsVisible ? "visible" : "hidden (needs CAP_SYS_ADMIN)")"
            + ", /proc/kpageflags \(kpageflagsReadable ? "readable" : "not readable")")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as `pgwalkctl info --json` prints it.
    public var json: String {
        var parts = ["\"schema\":\"pgwalk.info/1\"", "\"tool_version\":\(JSON.string(toolVersion))",
                     "\"kernel_release\":\(JSON.string(kernelRelease))", "\"page_size\":\(pageSize)"]
        if let module {
            let fields = module.fields.map { "\(JSON.string($0.key)):\(JSON.string($0.value))" }.joined(separator: ",")
            parts.append("\"module\":{\(fields)}")
        } else {
            parts.append("\"module\":null")
            parts.append("\"module_problem\":\(JSON.string(moduleProblem ?? ""))")
        }
        parts.append("\"lockdown\":\(JSON.string(lockdown.name))")
        if let module {
            let check = VersionCheck(info: module)
            parts.append("\"versions_agree\":\(check.verdict == .agree)")
        }
        parts.append("\"pagemap\":{\"scan\":\(pagemapScan),\"scan_categories\":\(JSON.string(pagemapScanCategories))"
            + ",\"pfns_visible\":\(pfnsVisible),\"kpageflags\":\(kpageflagsReadable)}")
        return "{" + parts.joined(separator: ",") + "}\n"
    }
}
