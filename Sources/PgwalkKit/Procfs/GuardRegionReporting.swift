#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether the running kernel has guard regions (MADV_GUARD_INSTALL, Linux
/// 6.13+) and whether its /proc/PID/pagemap reports them in bit 58
/// (PM_GUARD_REGION, 6.15+). Between the two (6.13, 6.14) a guard marker
/// reads as a plain swap-format entry: PM_SWAP with the marker as its frame.
///
/// Found out by doing it, never from the version: ``probe()`` installs a
/// guard on one page of a mapping of this process's own, reads its pagemap
/// entry and unmaps it. It changes nothing else (no target is involved).
public enum GuardRegionReporting: Sendable, Hashable, CustomStringConvertible {
    /// madvise() rejects MADV_GUARD_INSTALL (EINVAL): no guard regions here.
    case noGuardRegions
    /// Guard regions exist, but pagemap's bit 58 stays clear on them.
    case notInPagemap
    /// Pagemap sets bit 58 on every guard marker.
    case inPagemap
    /// The probe itself failed (mmap refused, pagemap unreadable): nothing
    /// is known.
    case unknown(String)

    /// `MADV_GUARD_INSTALL` of include/uapi/asm-generic/mman-common.h
    /// (the C library may predate it).
    static let madviseGuardInstall: Int32 = 102

    /// Whether pagemap's bit 58 must equal "a guard marker is here"; nil when
    /// that cannot be told.
    public var pagemapReportsGuards: Bool? {
        switch self {
        case .inPagemap: return true
        case .notInPagemap, .noGuardRegions: return false
        case .unknown: return nil
        }
    }

    public var description: String {
        switch self {
        case .noGuardRegions: return "no guard regions (MADV_GUARD_INSTALL unsupported)"
        case .notInPagemap: return "guard regions, not reported by pagemap"
        case .inPagemap: return "guard regions, reported by pagemap bit 58"
        case .unknown(let why): return "unknown (\(why))"
        }
    }

    /// The running kernel's answer, probed once per process.
    public static let runningKernel: GuardRegionReporting = probe()

    /// Installs a guard on a fresh private anonymous page of this process
    /// and reads /proc/self/pagemap for it.
    public static func probe() -> GuardRegionReporting {
        let size = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let page = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              page != MAP_FAILED else {
            return .unknown("mmap of one page failed: errno \(errno)")
        }
        defer { munmap(page, size) }
        if madvise(page, size, madviseGuardInstall) != 0 {
            let error = errno
            return error == EINVAL ? .noGuardRegions : .unknown("madvise(MADV_GUARD_INSTALL) failed: errno \(error)")
        }
        do {
            let reader = try PagemapReader(.current, batchCapacity: 1)
            defer { try? reader.close() }
            let entry = try reader.entry(at: UInt64(UInt(bitPattern: page)))
            return entry.isGuardRegion ? .inPagemap : .notInPagemap
        } catch {
            return .unknown("reading /proc/self/pagemap: \(error)")
        }
    }
}
