extension PTESeqRecord {
    /// `struct pgwalk_rec_pte_seq` (FORMAT.md 5.10): field offsets and size.
    enum Layout {
        static let addr = 8
        static let raw = 16
        static let info = 24
        static let rawStep = 32
        static let infoStep = 40
        static let size = 48
    }

    /// Decodes a PTE_SEQ record (arg8 the PTE level, arg16 the count): a
    /// run within one PTE table whose elements do not overflow. Every
    /// element's info word must be valid and none may be a none entry with
    /// raw 0; when the steps leave kind and flags alone (the only steps the
    /// module writes), the first and last elements stand for all.
    init(decoding head: RecordHeader, _ bytes: LittleEndianReader,
         in context: inout RecordContext) throws(StreamDecodingError.Reason) {
        let count = Int(head.arg16)
        let addr = bytes.u64(Layout.addr)
        try context.checkRun(level: head.arg8, count: count, addr: addr)
        let raw = bytes.u64(Layout.raw), infoWord = bytes.u64(Layout.info)
        let rawStep = bytes.u64(Layout.rawStep), infoStep = bytes.u64(Layout.infoStep)
        let last = UInt64(count - 1)
        let (rawSpan, o1) = rawStep.multipliedReportingOverflow(by: last)
        let (infoSpan, o2) = infoStep.multipliedReportingOverflow(by: last)
        let (_, o3) = raw.addingReportingOverflow(rawSpan)
        let (_, o4) = infoWord.addingReportingOverflow(infoSpan)
        guard !(o1 || o2 || o3 || o4) else { throw .badSequence(address: addr) }
        self.init(addr: addr, count: count, first: .init(raw: raw, info: try context.info(infoWord)),
                  rawStep: rawStep, infoStep: infoStep)
        // Every element when the step reaches beyond the payload, else the
        // two ends: the kind and flags cannot change in between. Strided,
        // not an array of indices: this runs once per PTE_SEQ record.
        let ends = infoStep & EntryInfo.payloadFieldMask == infoStep
        for index in stride(from: 0, to: count, by: ends ? max(count - 1, 1) : 1) {
            let i = UInt64(index)
            let elementInfo = try context.info(infoWord &+ i &* infoStep)
            if raw &+ i &* rawStep == 0 && elementInfo.kind == .none { throw .badSequence(address: addr) }
        }
    }
}
