import CPgwalkShims
import Testing
@testable import PgwalkKit

/// The Swift decoder's record layouts and constants against the module's
/// own header, kmod/pgwalk_format.h, compiled here through CPgwalkShims:
/// a field moved, a record grown or a number changed on either side fails
/// here before any stream is read.
@Suite struct FormatAgreementTests {
    /// `offsetof(T, field)`.
    private func offset<T>(_ field: PartialKeyPath<T>) -> Int {
        MemoryLayout<T>.offset(of: field)!
    }

    /// `sizeof(T)`: the stride, which includes tail padding as C's does.
    private func size<T>(_: T.Type) -> Int { MemoryLayout<T>.stride }

    @Test func theStreamHeader() {
        typealias H = pgwalk_stream_header
        typealias L = StreamHeader.Layout
        #expect(L.magic == offset(\H.magic))
        #expect(L.version == offset(\H.version))
        #expect(L.headerLength == offset(\H.header_len))
        #expect(L.flags == offset(\H.flags))
        #expect(L.pid == offset(\H.pid))
        #expect(L.pageShift == offset(\H.page_shift))
        #expect(L.levels == offset(\H.levels))
        #expect(L.kernelVersion == offset(\H.kernel_version))
        #expect(L.start == offset(\H.start))
        #expect(L.end == offset(\H.end))
        #expect(L.taskSize == offset(\H.task_size))
        #expect(L.levelGeometry == offset(\H.level))
        #expect(L.Level.shift == offset(\pgwalk_level_geometry.shift))
        #expect(L.Level.ptrs == offset(\pgwalk_level_geometry.ptrs))
        #expect(L.Level.size == size(pgwalk_level_geometry.self))
        #expect(L.Level.size * Int(PGWALK_NR_LEVELS) == MemoryLayout.size(ofValue: H().level))
        #expect(L.bufferSize == offset(\H.buffer_size))
        #expect(L.reserved == offset(\H.reserved))
        #expect(L.release == offset(\H.release))
        #expect(L.releaseLength == MemoryLayout.size(ofValue: H().release))
        #expect(L.size == size(H.self))
        #expect(StreamHeader.minimumLength == size(H.self))

        let magic = (0..<Int(PGWALK_MAGIC_LEN)).map { UInt8(bitPattern: pgwalk_format_magic()[$0]) }
        #expect(StreamHeader.magic == magic)
        #expect(UInt32(StreamHeader.supportedVersion) == PGWALK_FORMAT_VERSION)
        #expect(StreamHeader.Flags.trace.rawValue == PGWALK_HDR_TRACE)
        #expect(StreamHeader.Flags.pfnVisible.rawValue == PGWALK_HDR_PFN_VISIBLE)
        #expect(StreamHeader.Flags.walkLock.rawValue == PGWALK_HDR_WALK_LOCK)
        #expect(StreamHeader.Flags.seq.rawValue == PGWALK_HDR_SEQ)
    }

    @Test func theRecordHeader() {
        typealias H = pgwalk_rec_hdr
        #expect(RecordHeader.Layout.type == offset(\H.type))
        #expect(RecordHeader.Layout.arg8 == offset(\H.arg8))
        #expect(RecordHeader.Layout.arg16 == offset(\H.arg16))
        #expect(RecordHeader.Layout.length == offset(\H.len))
        #expect(RecordHeader.Layout.size == size(H.self))
    }

    @Test func recordTypes() {
        let types: [(StreamRecordType, Int32)] = [
            (.vma, PGWALK_REC_VMA), (.entry, PGWALK_REC_ENTRY), (.pteRun, PGWALK_REC_PTE_RUN),
            (.noneRun, PGWALK_REC_NONE_RUN), (.hole, PGWALK_REC_HOLE), (.hugetlb, PGWALK_REC_HUGETLB),
            (.pteSeq, PGWALK_REC_PTE_SEQ), (.end, PGWALK_REC_END), (.walkBegin, PGWALK_REC_WALK_BEGIN),
            (.walkEnd, PGWALK_REC_WALK_END), (.testWalk, PGWALK_REC_TEST_WALK), (.postVMA, PGWALK_REC_POST_VMA),
            (.stop, PGWALK_REC_STOP),
        ]
        #expect(types.count == StreamRecordType.allCases.count)
        for (type, value) in types {
            #expect(Int32(type.rawValue) == value, "\(type)")
        }
    }

    @Test func recordLayouts() {
        do {
            typealias R = pgwalk_rec_vma
            typealias L = VMARecord.Layout
            #expect(L.start == offset(\R.vm_start))
            #expect(L.end == offset(\R.vm_end))
            #expect(L.vmFlags == offset(\R.vm_flags))
            #expect(L.pageOffset == offset(\R.pgoff))
            #expect(L.inode == offset(\R.inode))
            #expect(L.device == offset(\R.dev))
            #expect(L.flags == offset(\R.flags))
            #expect(L.name == size(R.self))
            #expect(L.size == size(R.self))
        }
        do {
            typealias R = pgwalk_rec_entry
            #expect(EntryRecord.Layout.addr == offset(\R.addr))
            #expect(EntryRecord.Layout.next == offset(\R.next))
            #expect(EntryRecord.Layout.raw == offset(\R.raw))
            #expect(EntryRecord.Layout.info == offset(\R.info))
            #expect(EntryRecord.Layout.size == size(R.self))
        }
        do {
            typealias R = pgwalk_rec_pte_run
            #expect(PTERunRecord.Layout.addr == offset(\R.addr))
            #expect(PTERunRecord.Layout.elements == size(R.self))
            #expect(PTERunRecord.Layout.size == size(R.self))
            #expect(PTERunRecord.Layout.Element.raw == offset(\pgwalk_pte.raw))
            #expect(PTERunRecord.Layout.Element.info == offset(\pgwalk_pte.info))
            #expect(PTERunRecord.Layout.Element.size == size(pgwalk_pte.self))
        }
        do {
            typealias R = pgwalk_rec_pte_seq
            #expect(PTESeqRecord.Layout.addr == offset(\R.addr))
            #expect(PTESeqRecord.Layout.raw == offset(\R.raw))
            #expect(PTESeqRecord.Layout.info == offset(\R.info))
            #expect(PTESeqRecord.Layout.rawStep == offset(\R.raw_step))
            #expect(PTESeqRecord.Layout.infoStep == offset(\R.info_step))
            #expect(PTESeqRecord.Layout.size == size(R.self))
        }
        #expect(NoneRunRecord.Layout.addr == offset(\pgwalk_rec_none_run.addr))
        #expect(NoneRunRecord.Layout.size == size(pgwalk_rec_none_run.self))
        #expect(HoleRecord.Layout.addr == offset(\pgwalk_rec_hole.addr))
        #expect(HoleRecord.Layout.end == offset(\pgwalk_rec_hole.end))
        #expect(HoleRecord.Layout.size == size(pgwalk_rec_hole.self))
        do {
            typealias R = pgwalk_rec_hugetlb
            #expect(HugetlbRecord.Layout.addr == offset(\R.addr))
            #expect(HugetlbRecord.Layout.next == offset(\R.next))
            #expect(HugetlbRecord.Layout.hmask == offset(\R.hmask))
            #expect(HugetlbRecord.Layout.raw == offset(\R.raw))
            #expect(HugetlbRecord.Layout.info == offset(\R.info))
            #expect(HugetlbRecord.Layout.size == size(R.self))
        }
        do {
            typealias R = pgwalk_rec_end
            #expect(EndRecord.Layout.status == offset(\R.status))
            #expect(EndRecord.Layout.chunks == offset(\R.chunks))
            #expect(EndRecord.Layout.walkedTo == offset(\R.walked_to))
            #expect(EndRecord.Layout.streamBytes == offset(\R.stream_bytes))
            #expect(EndRecord.Layout.records == offset(\R.records))
            #expect(EndRecord.Layout.size == size(R.self))
        }
        #expect(WalkBeginRecord.Layout.start == offset(\pgwalk_rec_walk_begin.start))
        #expect(WalkBeginRecord.Layout.end == offset(\pgwalk_rec_walk_begin.end))
        #expect(WalkBeginRecord.Layout.size == size(pgwalk_rec_walk_begin.self))
        #expect(WalkEndRecord.Layout.ret == offset(\pgwalk_rec_walk_end.ret))
        #expect(WalkEndRecord.Layout.size == size(pgwalk_rec_walk_end.self))
        #expect(TestWalkRecord.Layout.addr == offset(\pgwalk_rec_test_walk.addr))
        #expect(TestWalkRecord.Layout.next == offset(\pgwalk_rec_test_walk.next))
        #expect(TestWalkRecord.Layout.ret == offset(\pgwalk_rec_test_walk.ret))
        #expect(TestWalkRecord.Layout.size == size(pgwalk_rec_test_walk.self))
        #expect(PostVMARecord.Layout.vmStart == offset(\pgwalk_rec_post_vma.vm_start))
        #expect(PostVMARecord.Layout.vmEnd == offset(\pgwalk_rec_post_vma.vm_end))
        #expect(PostVMARecord.Layout.size == size(pgwalk_rec_post_vma.self))
        #expect(StopRecord.Layout.addr == offset(\pgwalk_rec_stop.addr))
        #expect(StopRecord.Layout.size == size(pgwalk_rec_stop.self))
    }

    /// Each fixed record length the decoder demands is its struct's size.
    @Test func recordLengths() {
        let fixed: [(StreamRecordType, Any.Type)] = [
            (.entry, pgwalk_rec_entry.self), (.noneRun, pgwalk_rec_none_run.self), (.hole, pgwalk_rec_hole.self),
            (.hugetlb, pgwalk_rec_hugetlb.self), (.pteSeq, pgwalk_rec_pte_seq.self), (.end, pgwalk_rec_end.self),
            (.walkBegin, pgwalk_rec_walk_begin.self), (.walkEnd, pgwalk_rec_walk_end.self),
            (.testWalk, pgwalk_rec_test_walk.self), (.postVMA, pgwalk_rec_post_vma.self),
            (.stop, pgwalk_rec_stop.self),
        ]
        func cSize(_ type: Any.Type) -> Int {
            func stride<T>(_: T.Type) -> Int { MemoryLayout<T>.stride }
            return _openExistential(type, do: stride)
        }
        for (type, cType) in fixed {
            #expect(type.fixedLength == cSize(cType), "\(type)")
        }
        #expect(StreamRecordType.vma.fixedLength == nil)
        #expect(StreamRecordType.pteRun.fixedLength == nil)
        // A 5-byte name pads to 8; 3 elements follow the run's fixed part.
        #expect(VMARecord.length(nameLength: 5) == UInt32(MemoryLayout<pgwalk_rec_vma>.stride + 8))
        #expect(PTERunRecord.length(count: 3)
            == UInt32(MemoryLayout<pgwalk_rec_pte_run>.stride + 3 * MemoryLayout<pgwalk_pte>.stride))
    }

    @Test func levelsActionsCallbacksAndBackings() {
        let levels: [(PageTableLevel, Int32)] = [
            (.pgd, PGWALK_LEVEL_PGD), (.p4d, PGWALK_LEVEL_P4D), (.pud, PGWALK_LEVEL_PUD),
            (.pmd, PGWALK_LEVEL_PMD), (.pte, PGWALK_LEVEL_PTE),
        ]
        #expect(PageTableLevel.allCases.count == Int(PGWALK_NR_LEVELS))
        for (level, value) in levels { #expect(Int32(level.rawValue) == value, "\(level)") }

        let actions: [(WalkAction, Int32)] = [
            (.subtree, PGWALK_ACTION_SUBTREE), (.continue, PGWALK_ACTION_CONTINUE), (.again, PGWALK_ACTION_AGAIN),
        ]
        for (action, value) in actions { #expect(Int32(action.rawValue) == value, "\(action)") }

        let callbacks: [(WalkCallback, Int32)] = [
            (.pgdEntry, PGWALK_CB_PGD_ENTRY), (.p4dEntry, PGWALK_CB_P4D_ENTRY), (.pudEntry, PGWALK_CB_PUD_ENTRY),
            (.pmdEntry, PGWALK_CB_PMD_ENTRY), (.pteEntry, PGWALK_CB_PTE_ENTRY), (.pteHole, PGWALK_CB_PTE_HOLE),
            (.hugetlbEntry, PGWALK_CB_HUGETLB_ENTRY), (.testWalk, PGWALK_CB_TEST_WALK),
            (.preVMA, PGWALK_CB_PRE_VMA), (.postVMA, PGWALK_CB_POST_VMA),
        ]
        #expect(callbacks.count == WalkCallback.allCases.count)
        for (callback, value) in callbacks { #expect(Int32(callback.rawValue) == value, "\(callback)") }

        let backings: [(VMABacking, Int32)] = [
            (.anonymous, PGWALK_BACKING_ANON), (.file, PGWALK_BACKING_FILE), (.special, PGWALK_BACKING_SPECIAL),
            (.sharedAnonymous, PGWALK_BACKING_SHARED_ANON),
        ]
        for (backing, value) in backings { #expect(Int32(backing.rawValue) == value, "\(backing)") }
    }

    @Test func theInfoWord() {
        let kinds: [(EntryKind, Int32)] = [
            (.none, PGWALK_KIND_NONE), (.present, PGWALK_KIND_PRESENT), (.swap, PGWALK_KIND_SWAP),
            (.migration, PGWALK_KIND_MIGRATION), (.device, PGWALK_KIND_DEVICE), (.marker, PGWALK_KIND_MARKER),
            (.hwpoison, PGWALK_KIND_HWPOISON), (.other, PGWALK_KIND_OTHER),
        ]
        for (kind, value) in kinds { #expect(Int32(kind.rawValue) == value, "\(kind)") }

        let flags: [(EntryFlags, UInt64)] = [
            (.leaf, PGWALK_INFO_LEAF), (.write, PGWALK_INFO_WRITE), (.user, PGWALK_INFO_USER),
            (.accessed, PGWALK_INFO_ACCESSED), (.dirty, PGWALK_INFO_DIRTY), (.noExec, PGWALK_INFO_NOEXEC),
            (.global, PGWALK_INFO_GLOBAL), (.softDirty, PGWALK_INFO_SOFT_DIRTY), (.uffdWP, PGWALK_INFO_UFFD_WP),
            (.protNone, PGWALK_INFO_PROTNONE), (.special, PGWALK_INFO_SPECIAL), (.zeroPage, PGWALK_INFO_ZERO_PAGE),
            (.devmap, PGWALK_INFO_DEVMAP), (.exclusive, PGWALK_INFO_EXCLUSIVE), (.truncated, PGWALK_INFO_TRUNCATED),
        ]
        for (flag, value) in flags { #expect(flag.rawValue == value, "\(flag)") }
        // The flags field is exactly the bits the header names.
        #expect(EntryFlags.mask == flags.reduce(0) { $0 | $1.1 })

        #expect(EntryInfo.kindMask == pgwalk_format_info_kind_mask())
        #expect(EntryInfo.swapTypeShift == UInt64(PGWALK_INFO_SWAP_TYPE_SHIFT))
        #expect(EntryInfo.swapTypeMask == pgwalk_format_info_swap_type_mask())
        #expect(EntryInfo.payloadShift == UInt64(PGWALK_INFO_PAYLOAD_SHIFT))
        #expect(EntryInfo.payloadMax == pgwalk_format_info_payload_max())
        #expect(PageExpectation.guardMarkerBit == UInt64(PGWALK_MARKER_GUARD))
    }

    @Test func vmaFlags() {
        let flags: [(VMAFlags, UInt32)] = [
            (.read, PGWALK_VMA_READ), (.write, PGWALK_VMA_WRITE), (.exec, PGWALK_VMA_EXEC),
            (.shared, PGWALK_VMA_SHARED), (.growsDown, PGWALK_VMA_GROWSDOWN), (.pfnMap, PGWALK_VMA_PFNMAP),
            (.io, PGWALK_VMA_IO), (.locked, PGWALK_VMA_LOCKED), (.hugetlb, PGWALK_VMA_HUGETLB),
            (.softDirty, PGWALK_VMA_SOFTDIRTY), (.uffdMissing, PGWALK_VMA_UFFD_MISSING),
            (.uffdWP, PGWALK_VMA_UFFD_WP), (.hugePage, PGWALK_VMA_HUGEPAGE), (.noHugePage, PGWALK_VMA_NOHUGEPAGE),
            (.mergeable, PGWALK_VMA_MERGEABLE), (.mixedMap, PGWALK_VMA_MIXEDMAP), (.dontDump, PGWALK_VMA_DONTDUMP),
            (.notWalked, PGWALK_VMA_NOT_WALKED), (.droppable, PGWALK_VMA_DROPPABLE), (.sealed, PGWALK_VMA_SEALED),
        ]
        for (flag, value) in flags { #expect(flag.rawValue == value, "\(flag)") }
    }
}
