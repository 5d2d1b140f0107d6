extension EntryRecord {
    /// `struct pgwalk_rec_entry` (FORMAT.md 5.2): field offsets and size.
    enum Layout {
        static let addr = 8
        static let next = 16
        static let raw = 24
        static let info = 32
        static let size = 40
    }

    /// Decodes an ENTRY record (arg8 the level, pgd to pmd; arg16 the
    /// action): within the walked range and its entry's slot, in walk
    /// order. A pud or pmd entry left at CONTINUE covers its slot.
    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        guard head.arg8 <= 3, let level = PageTableLevel(rawValue: Int(head.arg8)) else { throw .badLevel(head.arg8) }
        guard let action = WalkAction(rawValue: head.arg16) else { throw .badAction(head.arg16) }
        let addr = bytes.u64(Layout.addr)
        let next = bytes.u64(Layout.next)
        let info = try context.info(bytes.u64(Layout.info))
        try context.order.checkInRange(addr, next)
        let slotEnd = context.header.geometry.entryEnd(level, addr)
        if slotEnd != 0 && next > slotEnd { throw .entryBeyondSlot(address: addr, next: next, slotEnd: slotEnd) }
        try context.order.checkOrder(addr)
        // The kernel honours CONTINUE only after pud_entry and pmd_entry.
        if action == .continue && level >= .pud { context.order.cover(to: next) }
        self.init(entry: PageTableEntry(level: level, raw: bytes.u64(Layout.raw), info: info),
                  addr: addr, next: next, action: action)
    }
}
