// The trace records (FORMAT.md 5.7): their layouts and decoding.

extension WalkBeginRecord {
    /// `struct pgwalk_rec_walk_begin`: field offsets and size.
    enum Layout {
        static let start = 8
        static let end = 16
        static let size = 24
    }

    /// A walk_page_range() call's range, within the walked one.
    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        let start = bytes.u64(Layout.start)
        let end = bytes.u64(Layout.end)
        try context.order.checkInRange(start, end)
        self.init(start: start, end: end)
    }
}

extension WalkEndRecord {
    /// `struct pgwalk_rec_walk_end`: field offsets and size.
    enum Layout {
        static let ret = 8
        static let size = 16
    }

    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        self.init(result: bytes.s64(Layout.ret))
    }
}

extension TestWalkRecord {
    /// `struct pgwalk_rec_test_walk`: field offsets and size.
    enum Layout {
        static let addr = 8
        static let next = 16
        static let ret = 24
        static let size = 32
    }

    /// A `test_walk` call on a VMA's part of the walked range.
    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        let addr = bytes.u64(Layout.addr)
        let next = bytes.u64(Layout.next)
        try context.order.checkInRange(addr, next)
        self.init(addr: addr, next: next, result: bytes.s64(Layout.ret))
    }
}

extension PostVMARecord {
    /// `struct pgwalk_rec_post_vma`: field offsets and size.
    enum Layout {
        static let vmStart = 8
        static let vmEnd = 16
        static let size = 24
    }

    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        let start = bytes.u64(Layout.vmStart)
        let end = bytes.u64(Layout.vmEnd)
        guard start < end else { throw .emptyRange(address: start, next: end) }
        self.init(vmStart: start, vmEnd: end)
    }
}

extension StopRecord {
    /// `struct pgwalk_rec_stop` (arg8 the callback): field offsets and size.
    enum Layout {
        static let addr = 8
        static let size = 16
    }

    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        guard let callback = WalkCallback(rawValue: head.arg8) else { throw .badCallback(head.arg8) }
        self.init(callback: callback, addr: bytes.u64(Layout.addr))
    }
}
