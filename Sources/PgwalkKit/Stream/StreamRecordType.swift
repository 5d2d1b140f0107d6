/// The `type` byte of a record header (`PGWALK_REC_*`).
public enum StreamRecordType: UInt8, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case vma = 0x02
    case entry = 0x03
    case pteRun = 0x04
    case noneRun = 0x05
    case hole = 0x06
    case hugetlb = 0x07
    case pteSeq = 0x08
    case end = 0x0f
    case walkBegin = 0x10
    case walkEnd = 0x11
    case testWalk = 0x12
    case postVMA = 0x13
    case stop = 0x14

    /// Trace records may appear only in streams with the TRACE flag.
    public var isTrace: Bool { rawValue >= 0x10 }

    /// The record's length when it is fixed; nil for VMA and PTE_RUN, whose
    /// length depends on `arg16`.
    package var fixedLength: Int? {
        switch self {
        case .vma, .pteRun: return nil
        case .entry: return EntryRecord.Layout.size
        case .noneRun: return NoneRunRecord.Layout.size
        case .hole: return HoleRecord.Layout.size
        case .hugetlb: return HugetlbRecord.Layout.size
        case .pteSeq: return PTESeqRecord.Layout.size
        case .end: return EndRecord.Layout.size
        case .walkBegin: return WalkBeginRecord.Layout.size
        case .walkEnd: return WalkEndRecord.Layout.size
        case .testWalk: return TestWalkRecord.Layout.size
        case .postVMA: return PostVMARecord.Layout.size
        case .stop: return StopRecord.Layout.size
        }
    }

    /// The name FORMAT.md uses, e.g. `PTE_RUN`.
    public var description: String {
        switch self {
        case .vma: return "VMA"
        case .entry: return "ENTRY"
        case .pteRun: return "PTE_RUN"
        case .noneRun: return "NONE_RUN"
        case .hole: return "HOLE"
        case .hugetlb: return "HUGETLB"
        case .pteSeq: return "PTE_SEQ"
        case .end: return "END"
        case .walkBegin: return "WALK_BEGIN"
        case .walkEnd: return "WALK_END"
        case .testWalk: return "TEST_WALK"
        case .postVMA: return "POST_VMA"
        case .stop: return "STOP"
        }
    }
}
