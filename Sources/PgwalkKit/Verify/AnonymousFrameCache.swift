/// KPF_ANON of physical frames, read from /proc/kpageflags and kept for one
/// verify pass.
///
/// The frames verify asks about are the present pages of private file
/// mappings that have an `anon_vma`: a library's written data and the
/// copies made by writing it. In the order of their addresses most are
/// lone frames, a row of one page, and asking a row at a time cost a pread
/// each (321 for a Python interpreter's 477 frames). Physically they
/// cluster: page cache read together and pages faulted together come from
/// nearby frames, and a pread costs more than a few more frames' flags.
/// So for a lone frame the aligned 32 frames around it are read, and its
/// neighbours are answered from them later: 88 preads instead of 321, in
/// about a quarter of the time (docs/BENCH.md, change 18). A row whose
/// frames run on is read as it is, its frames and no more: rounding long
/// rows out to blocks read more than it saved (a JVM's libraries).
///
/// A cached answer can be older than the pagemap entry it is compared with,
/// as a window of one row's frames was before. A frame freed and reused in
/// between makes a mismatch that the re-check, with a cache of its own,
/// resolves as transient.
struct AnonymousFrameCache {
    /// Frames per stored word of bits.
    static let wordFrames: UInt64 = 64
    /// Frames read around a lone frame: an aligned run of them.
    static let neighbourhood: UInt64 = 32
    /// Frames read at most at once (4 KiB of kpageflags), for a long row.
    static let readLimit: UInt64 = 512
    /// Words kept at most (1 M frames, 4 GiB of memory, in about 1 MiB of
    /// cache); past it the cache starts over.
    static let wordLimit = 16_384

    private struct Word {
        /// KPF_ANON, one bit per frame.
        var anonymous: UInt64 = 0
        /// The frames kpageflags has answered for.
        var known: UInt64 = 0
    }

    private var words: [UInt64: Word] = [:]
    /// The first frame kpageflags has no entry for (max_pfn), once a read
    /// has ended there: frames from it on are not asked again.
    private var firstMissing = UInt64.max - 2 * readLimit
    /// The preads made, for the tests.
    private(set) var reads = 0

    /// KPF_ANON of `frame`, nil when kpageflags cannot say. `following` is
    /// how many frames of its row run on from it, itself included.
    mutating func isAnonymous(_ frame: UInt64, following: UInt64, from reader: KernelPageFlagsReader) -> Bool? {
        guard frame < firstMissing else { return nil }
        if let answer = cached(frame) { return answer }
        if following > 1 {
            read(frame..<frame + min(following, Self.readLimit), reader)
        } else {
            let start = frame & ~(Self.neighbourhood - 1)
            read(start..<start + Self.neighbourhood, reader)
        }
        return cached(frame)
    }

    private func cached(_ frame: UInt64) -> Bool? {
        let bit = UInt64(1) << (frame % Self.wordFrames)
        guard let word = words[frame / Self.wordFrames], word.known & bit != 0 else { return nil }
        return word.anonymous & bit != 0
    }

    /// Reads `frames` in one pread and keeps what it returns. Bits are
    /// gathered per word and stored once per word.
    private mutating func read(_ frames: Range<UInt64>, _ reader: KernelPageFlagsReader) {
        if words.count >= Self.wordLimit { words.removeAll(keepingCapacity: true) }
        reads += 1
        var index = frames.lowerBound / Self.wordFrames
        var gathered = words[index] ?? Word()
        do {
            try reader.forEach(frames: frames) { frame, flags in
                if frame / Self.wordFrames != index {
                    words[index] = gathered
                    index = frame / Self.wordFrames
                    gathered = words[index] ?? Word()
                }
                let bit = UInt64(1) << (frame % Self.wordFrames)
                gathered.known |= bit
                if flags.contains(.anon) { gathered.anonymous |= bit } else { gathered.anonymous &= ~bit }
            }
        } catch let error as ProcfsError {
            // Past max_pfn the read stops short: the frames before it are
            // kept, the ones after are not asked again.
            if case .beyondPhysicalMemory(let frame) = error.reason { firstMissing = min(firstMissing, frame) }
        } catch {
            // Any other failure leaves the frames unknown: kpageflags
            // cannot say, and the page's file bit may read either way.
        }
        words[index] = gathered
    }
}
