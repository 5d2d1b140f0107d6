/// Drives a ``PageWalkOps`` straight from a decoded stream, in bounded
/// memory: each record becomes the callback the kernel made for it.
///
/// This is the streaming twin of running ``PageWalker`` over the
/// ``PageTables`` rebuilt from the same stream; the conformance replay
/// (``ConformanceReplay``) proves the two give the same callback sequence.
/// Use it when the target is large and the consumer only needs to see the
/// walk once, in order (`pgwalkctl walk`, `verify`).
///
/// Mapping: VMA -> `pre_vma` (or `test_walk` for a VMA the module did not
/// walk), ENTRY -> `p?d_entry`, PTE_RUN/PTE_SEQ/NONE_RUN -> one `pte_entry`
/// per page (PTE_SEQ and NONE_RUN through ``StreamReplayOps/pteSequence(_:walk:)``
/// and ``StreamReplayOps/pteNoneRun(addr:count:walk:)``, which ops may take in one step), HOLE -> one `pte_hole` per merged call, HUGETLB ->
/// `hugetlb_entry`. `post_vma` is called when the walk leaves a VMA. The
/// actions and results the ops return are ignored: the kernel already made
/// its choices, and the stream is what it did.
public struct StreamCallbackDriver<Source: ByteSource> {
    /// The stream being replayed, positioned after the records run so far.
    public private(set) var decoder: StreamDecoder<Source>

    /// A driver for the stream `decoder` reads (its header already read).
    public init(decoder: StreamDecoder<Source>) {
        self.decoder = decoder
    }

    /// The stream's header: the walk's pid, range, geometry and flags.
    public var header: StreamHeader { decoder.header }

    /// Replays every record into `ops`, one `pte_entry` call per page of a
    /// run, and returns the END record.
    public mutating func run<Ops: PageWalkOps>(ops: inout Ops) throws -> EndRecord {
        var replay = EntryByEntryReplay(base: consume ops)
        defer { ops = replay.base }
        return try run(ops: &replay)
    }

    /// Replays every record into `ops`, runs of PTEs through its
    /// ``StreamReplayOps`` hooks, and returns the END record.
    public mutating func run<Ops: StreamReplayOps>(ops: inout Ops) throws -> EndRecord {
        let geometry = decoder.header.geometry
        let pageSize = geometry.pageSize
        var walk = WalkContext(geometry: geometry)
        var inVMA = false

        func leaveVMA() {
            if inVMA { ops.postVMA(walk: &walk) }
            inVMA = false
            walk.vma = nil
        }

        while let record = try decoder.nextRecord() {
            switch record {
            case .vma(let r):
                // A repeated VMA record (trace streams, on resume) is the same VMA.
                if inVMA, let current = walk.vma, current.start == r.vma.start, current.end == r.vma.end {
                    continue
                }
                leaveVMA()
                walk.vma = r.vma
                if r.isNotWalked {
                    _ = ops.testWalk(start: r.vma.start, end: r.vma.end, walk: &walk)
                    walk.vma = nil
                } else {
                    inVMA = true
                    _ = ops.preVMA(start: max(r.vma.start, header.start), end: min(r.vma.end, header.end), walk: &walk)
                }
            case .entry(let r):
                walk.action = r.action
                switch r.level {
                case .pgd: _ = ops.pgdEntry(r.entry, addr: r.addr, next: r.next, walk: &walk)
                case .p4d: _ = ops.p4dEntry(r.entry, addr: r.addr, next: r.next, walk: &walk)
                case .pud: _ = ops.pudEntry(r.entry, addr: r.addr, next: r.next, walk: &walk)
                case .pmd: _ = ops.pmdEntry(r.entry, addr: r.addr, next: r.next, walk: &walk)
                case .pte: _ = ops.pteEntry(r.entry, addr: r.addr, next: r.next, walk: &walk)
                }
            case .pteRun(let r):
                var addr = r.addr
                for value in r.entries {
                    let entry = PageTableEntry(level: .pte, raw: value.raw, info: value.info)
                    _ = ops.pteEntry(entry, addr: addr, next: addr &+ pageSize, walk: &walk)
                    addr &+= pageSize
                }
            case .pteSeq(let r):
                _ = ops.pteSequence(r, walk: &walk)
            case .noneRun(let r):
                _ = ops.pteNoneRun(addr: r.addr, count: r.count, walk: &walk)
            case .hole(let r):
                if r.depth == .noVMA, inVMA, let vma = walk.vma, !(vma.isHugetlb && vma.contains(r.addr)) {
                    leaveVMA()
                }
                if r.count == 1 {
                    _ = ops.pteHole(addr: r.addr, next: r.end, depth: r.depth, walk: &walk)
                } else {
                    for call in r.calls(geometry: geometry) {
                        _ = ops.pteHole(addr: call.addr, next: call.next, depth: r.depth, walk: &walk)
                    }
                }
            case .hugetlb(let r):
                let entry = PageTableEntry(level: .pte, raw: r.raw, info: r.info)
                _ = ops.hugetlbEntry(entry, hmask: r.hmask, addr: r.addr, next: r.next, walk: &walk)
            case .end(let end):
                leaveVMA()
                return end
            case .walkBegin, .walkEnd, .testWalk, .postVMA, .stop:
                // Trace framing: the callbacks themselves are the records above.
                continue
            }
        }
        // The decoder reports a stream without END as truncated.
        throw StreamDecodingError(offset: 0, recordIndex: nil, recordType: nil, reason: .missingEnd)
    }
}
