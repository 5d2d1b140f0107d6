extension VMARecord {
    /// `struct pgwalk_rec_vma` (FORMAT.md 5.1): field offsets.
    enum Layout {
        static let start = 8
        static let end = 16
        static let vmFlags = 24
        static let pageOffset = 32
        static let inode = 40
        static let device = 48
        static let flags = 52
        /// The name, `arg16` bytes, NUL padded to 8, follows the fixed part.
        static let name = 56
        /// The fixed part.
        static let size = 56
    }

    /// The length of a VMA record whose name is `nameLength` bytes.
    static func length(nameLength: UInt16) -> UInt32 {
        UInt32(Layout.size) + (UInt32(nameLength) + 7) / 8 * 8
    }

    /// Decodes a VMA record (arg8 the backing, arg16 the name's length):
    /// a page-aligned, non-empty range that meets the walked range.
    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        guard let backing = VMABacking(rawValue: head.arg8) else { throw .badBacking(head.arg8) }
        let start = bytes.u64(Layout.start)
        let end = bytes.u64(Layout.end)
        let pageMask = context.limits.pageMask
        guard start < end else { throw .emptyRange(address: start, next: end) }
        guard start & pageMask == 0 else { throw .misaligned(start) }
        guard end & pageMask == 0 else { throw .misaligned(end) }
        let (rangeStart, rangeEnd) = (context.header.start, context.header.end)
        guard end > rangeStart, start < rangeEnd else {
            throw .addressOutsideRange(address: start, end: end, rangeStart: rangeStart, rangeEnd: rangeEnd)
        }
        let nameBytes = bytes.copyBytes(Layout.name, Int(head.arg16))
        let vma = VMA(
            start: start, end: end, flags: VMAFlags(rawValue: bytes.u32(Layout.flags)),
            rawVMFlags: bytes.u64(Layout.vmFlags), pageOffset: bytes.u64(Layout.pageOffset),
            inode: bytes.u64(Layout.inode), device: bytes.u32(Layout.device), backing: backing,
            name: String(decoding: nameBytes, as: UTF8.self))
        self.init(vma: vma, nameBytes: nameBytes)
    }
}
