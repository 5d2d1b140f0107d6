/// What a walk output is about, printed before its rows.
public struct WalkDescription: Sendable {
    /// Where the walk came from.
    public enum SourceKind: String, Sendable {
        case kernel, pagemap, snapshot
    }

    /// The target process.
    public var pid: Int32
    /// Where the walk came from.
    public var source: SourceKind
    /// The paging geometry of the walk.
    public var geometry: PagingGeometry
    /// The release of the kernel walked (`uname -r`).
    public var kernelRelease: String
    /// Whether PFNs are shown (the module and pagemap hide them without
    /// CAP_SYS_ADMIN).
    public var pfnVisible: Bool
    /// The first address walked.
    public var start: UInt64
    /// The end of the range walked.
    public var end: UInt64

    /// A walk of `pid` over `[start, end)`.
    public init(pid: Int32, source: SourceKind, geometry: PagingGeometry, kernelRelease: String,
                pfnVisible: Bool, start: UInt64, end: UInt64) {
        self.pid = pid
        self.source = source
        self.geometry = geometry
        self.kernelRelease = kernelRelease
        self.pfnVisible = pfnVisible
        self.start = start
        self.end = end
    }

    /// The walk a stream describes, from its header.
    public init(header: StreamHeader, source: SourceKind = .kernel) {
        self.init(pid: Int32(bitPattern: header.pid), source: source, geometry: header.geometry,
                  kernelRelease: header.release, pfnVisible: header.flags.contains(.pfnVisible),
                  start: header.start, end: header.end)
    }
}

/// Writes a walk as rows: one implementation per output format.
public protocol WalkRenderer: AnyObject {
    func begin(_ description: WalkDescription)
    func vma(_ vma: VMA)
    func row(_ row: MappingRow)
    /// `status` is the END record's: 0, or a negative errno.
    func end(status: Int32)
}

extension VMA {
    /// The permission string of /proc/PID/maps: `rw-p`.
    public var permissions: String {
        (flags.contains(.read) ? "r" : "-") + (flags.contains(.write) ? "w" : "-")
            + (flags.contains(.exec) ? "x" : "-") + (flags.contains(.shared) ? "s" : "p")
    }
}

extension EntryFlags {
    /// Short names, in a fixed order, for tables, CSV and JSON.
    public var names: [String] {
        let table: [(EntryFlags, String)] = [
            (.write, "write"), (.user, "user"), (.accessed, "accessed"), (.dirty, "dirty"),
            (.noExec, "noexec"), (.global, "global"), (.softDirty, "soft-dirty"), (.uffdWP, "uffd-wp"),
            (.protNone, "protnone"), (.special, "special"), (.zeroPage, "zero-page"), (.devmap, "devmap"),
            (.exclusive, "exclusive"), (.truncated, "truncated"), (.leaf, "leaf"),
        ]
        return table.compactMap { contains($0.0) ? $0.1 : nil }
    }
}
