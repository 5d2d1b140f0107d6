/// The kernel's callback sequence, recovered from a trace stream (FORMAT.md
/// 5.8): runs expanded into one `pte_entry` per page, merged holes split
/// into their calls (5.5), `VM_PFNMAP` VMA records folded into their
/// `test_walk`; plus, per `walk_page_range()` call, its range and the STOPs
/// the replay must reproduce.
public struct TraceCallSequence: Sendable {
    /// One expected call and the stream record it came from.
    public struct Call: Hashable, Sendable {
        /// The callback made, with its arguments.
        public var event: WalkEvent
        /// The index of the record that carried it.
        public var recordIndex: Int
    }

    /// One `walk_page_range()` call of the trace (a WALK_BEGIN frame).
    public struct Walk: Hashable, Sendable {
        /// The first address of the walk's range.
        public var start: UInt64
        /// The end of the walk's range.
        public var end: UInt64
        /// The STOP records inside the frame, in order.
        public var stops: [StopRecord]
        /// The index of the record that began the walk.
        public var recordIndex: Int
    }

    /// A trace whose structure is unusable for a replay.
    public struct StructureError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The index of the offending record (nil: the stream as a whole).
        public var recordIndex: Int?
        /// What is wrong.
        public var message: String
        public var description: String {
            "trace: " + (recordIndex.map { "record #\($0): " } ?? "") + message
        }
    }

    /// The paging geometry of the stream.
    public let geometry: PagingGeometry
    /// The header's `kernel_version`: the kernel whose walker made the calls.
    public let linuxVersionCode: UInt32
    /// Every callback of every walk, in order.
    public private(set) var calls: [Call] = []
    /// The walks of the trace, one per WALK_BEGIN.
    public private(set) var walks: [Walk] = []
    private var inWalk = false

    /// An empty sequence for the stream of `header` (a trace stream).
    public init(header: StreamHeader) throws(StructureError) {
        guard header.isTrace else {
            throw StructureError(recordIndex: nil, message: "the stream was recorded without `trace`; request it with the trace token to check conformance")
        }
        self.geometry = header.geometry
        self.linuxVersionCode = header.kernelVersion
    }

    /// Adds the next record of the stream.
    public mutating func add(_ record: StreamRecord, recordIndex: Int) throws(StructureError) {
        func append(_ event: WalkEvent) { calls.append(Call(event: event, recordIndex: recordIndex)) }
        func requireWalk() throws(StructureError) {
            guard inWalk else {
                throw StructureError(recordIndex: recordIndex, message: "\(record.type) outside a WALK_BEGIN ... WALK_END frame")
            }
        }
        switch record {
        case .walkBegin(let begin):
            guard !inWalk else {
                throw StructureError(recordIndex: recordIndex, message: "WALK_BEGIN before the previous walk's WALK_END")
            }
            inWalk = true
            walks.append(Walk(start: begin.start, end: begin.end, stops: [], recordIndex: recordIndex))
            append(.walkBegin(start: begin.start, end: begin.end))
        case .walkEnd(let end):
            try requireWalk()
            inWalk = false
            append(.walkEnd(result: end.result))
        case .end:
            guard !inWalk else {
                throw StructureError(recordIndex: recordIndex, message: "END inside a walk: its WALK_END is missing")
            }
        case .vma(let vma):
            try requireWalk()
            // A NOT_WALKED VMA is written by test_walk, which TEST_WALK records.
            if !vma.isNotWalked { append(.preVMA(vmStart: vma.vma.start, vmEnd: vma.vma.end)) }
        case .testWalk(let test):
            try requireWalk()
            append(.testWalk(start: test.addr, end: test.next, result: test.result))
        case .postVMA(let post):
            try requireWalk()
            append(.postVMA(vmStart: post.vmStart, vmEnd: post.vmEnd))
        case .entry(let entry):
            try requireWalk()
            append(.entry(level: entry.level, addr: entry.addr, next: entry.next, raw: entry.entry.raw,
                          info: entry.entry.info, action: entry.action))
        case .pteRun, .pteSeq:
            try requireWalk()
            let run = record.pteRun!
            var addr = run.addr
            for element in run.entries {
                append(.pte(addr: addr, raw: element.raw, info: element.info))
                addr &+= geometry.pageSize
            }
        case .noneRun(let run):
            try requireWalk()
            var addr = run.addr
            for _ in 0..<run.count {
                append(.pte(addr: addr, raw: 0, info: .none))
                addr &+= geometry.pageSize
            }
        case .hole(let hole):
            try requireWalk()
            for call in hole.calls(geometry: geometry) {
                append(.hole(addr: call.addr, next: call.next, depth: hole.depth))
            }
        case .hugetlb(let huge):
            try requireWalk()
            append(.hugetlb(addr: huge.addr, next: huge.next, hmask: huge.hmask, raw: huge.raw, info: huge.info))
        case .stop(let stop):
            try requireWalk()
            walks[walks.count - 1].stops.append(stop)
            append(.stop(callback: stop.callback, addr: stop.addr))
        }
    }
}
