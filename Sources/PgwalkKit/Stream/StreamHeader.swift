/// The header that opens every stream (FORMAT.md 3.1): who was walked, which
/// range, and the paging geometry the walker must use to replay it.
public struct StreamHeader: Hashable, Sendable {
    /// The `PGWALK_HDR_*` bits of the header's `flags`.
    public struct Flags: OptionSet, Hashable, Sendable {
        /// The bits, as the header carries them.
        public let rawValue: UInt32
        /// Flags from their bits.
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Trace records are present and nothing is suppressed (section 6).
        public static let trace = Flags(rawValue: 1 << 0)
        /// PFNs and swap offsets are real, not zeroed.
        public static let pfnVisible = Flags(rawValue: 1 << 1)
        /// The kernel's `mm_walk_ops` has `walk_lock` (6.5+).
        public static let walkLock = Flags(rawValue: 1 << 2)
        /// The request had `seq`: PTE_SEQ records may appear.
        public static let seq = Flags(rawValue: 1 << 3)
    }

    /// `"PGWALK\0\0"`.
    public static let magic: [UInt8] = [0x50, 0x47, 0x57, 0x41, 0x4c, 0x4b, 0, 0]
    /// The format version this decoder reads.
    public static let supportedVersion: UInt16 = 1
    /// The header's size in version 1; later versions may append fields.
    public static let minimumLength = 160

    /// The format version (FORMAT.md section 8).
    public var version: UInt16
    /// Bytes of the header as written; records start here.
    public var headerLength: UInt16
    /// What the stream holds: trace records, PTE_SEQ, PFNs.
    public var flags: Flags
    /// The target process.
    public var pid: UInt32
    /// The paging geometry of the walked kernel.
    public var geometry: PagingGeometry
    /// `LINUX_VERSION_CODE`: `major << 16 | minor << 8 | patch`.
    public var kernelVersion: UInt32
    /// The walked range, `[start, end)`.
    public var start: UInt64
    /// The end of the range walked.
    public var end: UInt64
    /// The target's user address limit.
    public var taskSize: UInt64
    /// The module's session buffer, bytes.
    public var bufferSize: UInt32
    /// `uname -r` of the kernel.
    public var release: String

    /// A header with these fields.
    public init(
        version: UInt16 = StreamHeader.supportedVersion, headerLength: UInt16 = UInt16(StreamHeader.minimumLength),
        flags: Flags, pid: UInt32, geometry: PagingGeometry, kernelVersion: UInt32,
        start: UInt64, end: UInt64, taskSize: UInt64, bufferSize: UInt32, release: String
    ) {
        self.version = version
        self.headerLength = headerLength
        self.flags = flags
        self.pid = pid
        self.geometry = geometry
        self.kernelVersion = kernelVersion
        self.start = start
        self.end = end
        self.taskSize = taskSize
        self.bufferSize = bufferSize
        self.release = release
    }

    /// Whether the stream holds the trace records (requested with `trace`).
    public var isTrace: Bool { flags.contains(.trace) }

    /// `kernelVersion` as `major.minor.patch`.
    public var kernelVersionString: String {
        "\(kernelVersion >> 16).\((kernelVersion >> 8) & 0xff).\(kernelVersion & 0xff)"
    }
}
