extension StreamHeader {
    /// `struct pgwalk_stream_header` (FORMAT.md 3.1): field offsets. A later
    /// version may append fields; `headerLength` says where records start.
    enum Layout {
        static let magic = 0
        static let version = 8
        static let headerLength = 10
        static let flags = 12
        static let pid = 16
        static let pageShift = 20
        static let levels = 24
        static let kernelVersion = 28
        static let start = 32
        static let end = 40
        static let taskSize = 48
        /// `struct pgwalk_level_geometry level[5]`, pgd first.
        static let levelGeometry = 56
        enum Level {
            static let shift = 0
            static let ptrs = 4
            static let size = 8
        }
        static let bufferSize = 96
        static let reserved = 100
        static let release = 104
        static let releaseLength = 56
        /// Version 1's size: ``StreamHeader/minimumLength``.
        static let size = 160
    }

    /// Checks what the first bytes of a stream already show, before the
    /// whole header is there: the magic (given 8 bytes), the version and
    /// the header's length (given 12), so that a stream of another format
    /// or version is named as such even when it is short.
    static func checkOpening(_ bytes: LittleEndianReader) throws(StreamDecodingError.Reason) {
        if bytes.count >= Layout.version {
            let magic = bytes.copyBytes(Layout.magic, Layout.version)
            guard magic == StreamHeader.magic else { throw .badMagic(magic) }
        }
        if bytes.count >= Layout.flags {
            let version = bytes.u16(Layout.version)
            guard version == StreamHeader.supportedVersion else { throw .unsupportedVersion(version) }
            let length = bytes.u16(Layout.headerLength)
            guard Int(length) >= minimumLength, length % 8 == 0 else { throw .badHeaderLength(length) }
        }
    }

    /// Decodes a header whose opening ``checkOpening(_:)`` has passed, from
    /// its first ``minimumLength`` bytes: a geometry the walker can use and
    /// a page-aligned, non-empty range below the task size.
    init(decoding bytes: LittleEndianReader) throws(StreamDecodingError.Reason) {
        var shifts: [Int] = []
        var ptrs: [Int] = []
        for level in 0..<5 {
            let at = Layout.levelGeometry + Layout.Level.size * level
            shifts.append(Int(bytes.u32(at + Layout.Level.shift)))
            ptrs.append(Int(bytes.u32(at + Layout.Level.ptrs)))
        }
        let geometry: PagingGeometry
        do {
            geometry = try PagingGeometry(levels: Int(bytes.u32(Layout.levels)), pageShift: Int(bytes.u32(Layout.pageShift)),
                                          shifts: shifts, ptrs: ptrs)
        } catch {
            throw .badGeometry(error.reason)
        }
        let start = bytes.u64(Layout.start)
        let end = bytes.u64(Layout.end)
        let taskSize = bytes.u64(Layout.taskSize)
        let pageMask = geometry.pageSize - 1
        guard start < end, start & pageMask == 0, end & pageMask == 0, end <= taskSize else {
            throw .badRange(start: start, end: end, taskSize: taskSize)
        }
        let releaseBytes = bytes.copyBytes(Layout.release, Layout.releaseLength).prefix { $0 != 0 }
        self.init(
            version: bytes.u16(Layout.version), headerLength: bytes.u16(Layout.headerLength),
            flags: Flags(rawValue: bytes.u32(Layout.flags)), pid: bytes.u32(Layout.pid),
            geometry: geometry, kernelVersion: bytes.u32(Layout.kernelVersion),
            start: start, end: end, taskSize: taskSize, bufferSize: bytes.u32(Layout.bufferSize),
            release: String(decoding: releaseBytes, as: UTF8.self))
    }
}
