extension StreamRecordType {
    /// The length a record of this type with header `head` must have: the
    /// record's layout size, or for VMA and PTE_RUN the size that `arg16`
    /// (the name's length, the element count) makes. A PTE_RUN count
    /// outside 1...PTRS_PER_PTE is wrong before the length is.
    @inline(__always)
    func length(for head: RecordHeader, limits: RecordLimits) throws(StreamDecodingError.Reason) -> UInt32 {
        switch self {
        case .vma:
            return VMARecord.length(nameLength: head.arg16)
        case .pteRun:
            let maximum = limits.ptesPerTable
            guard head.arg16 >= 1, Int(head.arg16) <= maximum else {
                throw .badRunCount(count: Int(head.arg16), maximum: maximum)
            }
            return PTERunRecord.length(count: head.arg16)
        default:
            return UInt32(fixedLength!)
        }
    }
}
