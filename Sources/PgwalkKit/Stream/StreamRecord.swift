/// One decoded record of a stream.
public enum StreamRecord: Hashable, Sendable {
    case vma(VMARecord)
    case entry(EntryRecord)
    case pteRun(PTERunRecord)
    case noneRun(NoneRunRecord)
    case hole(HoleRecord)
    case hugetlb(HugetlbRecord)
    case end(EndRecord)
    case walkBegin(WalkBeginRecord)
    case walkEnd(WalkEndRecord)
    case testWalk(TestWalkRecord)
    case postVMA(PostVMARecord)
    case stop(StopRecord)

    public var type: StreamRecordType {
        switch self {
        case .vma: return .vma
        case .entry: return .entry
        case .pteRun: return .pteRun
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
}
