/// One decoded record of a stream.
public enum StreamRecord: Hashable, Sendable {
    case vma(VMARecord)
    case entry(EntryRecord)
    case pteRun(PTERunRecord)
    case pteSeq(PTESeqRecord)
    case noneRun(NoneRunRecord)
    case hole(HoleRecord)
    case hugetlb(HugetlbRecord)
    case end(EndRecord)
    case walkBegin(WalkBeginRecord)
    case walkEnd(WalkEndRecord)
    case testWalk(TestWalkRecord)
    case postVMA(PostVMARecord)
    case stop(StopRecord)

    /// The record's type.
    public var type: StreamRecordType {
        switch self {
        case .vma: return .vma
        case .entry: return .entry
        case .pteRun: return .pteRun
        case .pteSeq: return .pteSeq
        case .noneRun: return .noneRun
        case .hole: return .hole
        case .hugetlb: return .hugetlb
        case .end: return .end
        case .walkBegin: return .walkBegin
        case .walkEnd: return .walkEnd
        case .testWalk: return .testWalk
        case .postVMA: return .postVMA
        case .stop: return .stop
        }
    }

    /// The PTE_RUN a PTE_RUN or PTE_SEQ stands for (a PTE_SEQ expanded into
    /// its elements); nil for every other record. For consumers that look
    /// at each `pte_entry` call's value and need not care which form the
    /// module chose.
    public var pteRun: PTERunRecord? {
        switch self {
        case .pteRun(let run): return run
        case .pteSeq(let sequence): return sequence.run
        default: return nil
        }
    }
}
