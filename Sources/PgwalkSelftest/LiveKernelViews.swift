import PgwalkKit
import SystemPackage

/// The kernel's other views a scenario assertion may consult, read from
/// the running system: pagemap, kpageflags, smaps.
final class LiveKernelViews: @unchecked Sendable {
    private let lock = PthreadMutex()
    private var pagemaps: [Int32: PagemapReader] = [:]
    private var frameFlags: KernelPageFlagsReader?
    private var frameFlagsTried = false

    deinit {
        for reader in pagemaps.values { try? reader.close() }
        try? frameFlags?.close()
    }

    func pagemap(pid: Int32, address: UInt64) -> PagemapEntry? {
        lock.withLock {
            if pagemaps[pid] == nil { pagemaps[pid] = try? PagemapReader(.process(pid)) }
            return try? pagemaps[pid]?.entry(at: address)
        }
    }

    func kpageflags(pfn: UInt64) -> KernelPageFlags? {
        lock.withLock {
            if !frameFlagsTried {
                frameFlagsTried = true
                frameFlags = try? KernelPageFlagsReader()
            }
            return try? frameFlags?.flags(ofFrame: pfn)
        }
    }

    /// `key` (e.g. AnonHugePages) in kB for the VMA of /proc/PID/smaps that
    /// contains `address`.
    static func smapsKB(pid: Int32, address: UInt64, key: String) -> Int? {
        guard let bytes = try? ProcfsFile.readAll(ProcTarget.process(pid).file("smaps"), perProcess: true) else { return nil }
        var inside = false
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.hasSuffix(":") {
                if inside && first.dropLast() == key, fields.count >= 2 { return Int(fields[1]) }
                continue
            }
            let bounds = first.split(separator: "-")
            if bounds.count == 2, let s = UInt64(bounds[0], radix: 16), let e = UInt64(bounds[1], radix: 16) {
                inside = s <= address && address < e
            }
        }
        return nil
    }

    func evidence(layout: ScenarioLayout, view: ModuleView, view2: ModuleView?, regionWalk: ModuleView?) -> ScenarioEvidence {
        ScenarioEvidence(layout: layout, view: view, view2: view2, regionWalk: regionWalk,
                         pagemap: { [self] in pagemap(pid: $0, address: $1) },
                         kpageflags: { [self] in kpageflags(pfn: $0) },
                         smapsKB: { Self.smapsKB(pid: $0, address: $1, key: $2) })
    }
}
