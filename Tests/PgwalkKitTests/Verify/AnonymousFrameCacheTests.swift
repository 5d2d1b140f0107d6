#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import Testing
@testable import PgwalkKit

/// The cache answers each frame's KPF_ANON as kpageflags holds it, and
/// unknown past its end; it reads a lone frame's aligned neighbourhood, a
/// row's frames as they are (up to `readLimit`), and no frame twice.
@Suite struct AnonymousFrameCacheTests {
    /// A kpageflags-format file of `frames` words (already unlinked) in which
    /// frame `f` is anonymous iff `anonymous(f)`, and other flags vary, and
    /// its reader.
    static func reader(frames: Int, anonymous: (UInt64) -> Bool) throws -> KernelPageFlagsReader {
        var template = Array("/tmp/pgwalk-kpageflags-XXXXXX".utf8CString)
        let raw = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard raw >= 0 else { throw Errno(rawValue: errno) }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(path) }
        let fd = FileDescriptor(rawValue: raw)
        defer { try? fd.close() }
        let words = (0..<UInt64(frames)).map { frame -> UInt64 in
            var flags: KernelPageFlags = [.uptodate, .lru, .mmap]
            if anonymous(frame) { flags.formUnion([.anon, .swapBacked]) }
            if frame % 5 == 0 { flags.insert(.dirty) }
            return flags.rawValue.littleEndian
        }
        _ = try words.withUnsafeBytes { try fd.writeAll($0) }
        return try KernelPageFlagsReader(kpageflags: FilePath(path))
    }

    static func isAnonymous(_ frame: UInt64) -> Bool { (frame * 7919) % 3 == 0 || frame % 64 == 63 }

    @Test func everyFrameAsTheFileHoldsIt() throws {
        let reader = try Self.reader(frames: 4_096, anonymous: Self.isAnonymous)
        var cache = AnonymousFrameCache()
        // Lone frames, as a library's written pages are, in an order that
        // revisits every neighbourhood out of turn.
        var frame: UInt64 = 17
        for _ in 0..<4_096 {
            #expect(cache.isAnonymous(frame, following: 1, from: reader) == Self.isAnonymous(frame), "frame \(frame)")
            frame = (frame * 1_105 + 311) % 4_096
        }
        #expect(cache.reads == 128, "one read per aligned 32 frames, however the frames are asked")
    }

    @Test func aLoneFrameBringsItsNeighbourhood() throws {
        let reader = try Self.reader(frames: 4_096, anonymous: Self.isAnonymous)
        var cache = AnonymousFrameCache()
        #expect(cache.isAnonymous(40, following: 1, from: reader) == Self.isAnonymous(40))
        for frame in UInt64(32)..<64 {
            #expect(cache.isAnonymous(frame, following: 1, from: reader) == Self.isAnonymous(frame))
        }
        #expect(cache.reads == 1, "frames 32-63 came with frame 40")
        #expect(cache.isAnonymous(31, following: 1, from: reader) == Self.isAnonymous(31))
        #expect(cache.isAnonymous(64, following: 1, from: reader) == Self.isAnonymous(64))
        #expect(cache.reads == 3)
    }

    @Test func aRowIsReadAsItIsUpToTheLimit() throws {
        let reader = try Self.reader(frames: 4_096, anonymous: Self.isAnonymous)
        var cache = AnonymousFrameCache()
        // A row of 300 frames from frame 10: frames 10-309, no more.
        for frame in UInt64(10)..<310 {
            #expect(cache.isAnonymous(frame, following: 310 - frame, from: reader) == Self.isAnonymous(frame))
        }
        #expect(cache.reads == 1)
        #expect(cache.isAnonymous(9, following: 1, from: reader) == Self.isAnonymous(9))
        #expect(cache.isAnonymous(310, following: 1, from: reader) == Self.isAnonymous(310))
        #expect(cache.reads == 3, "frames 9 and 310 were not read with the row")
        #expect(cache.isAnonymous(319, following: 1, from: reader) == Self.isAnonymous(319))
        #expect(cache.reads == 3, "frame 319 came with 310's neighbourhood")
        // A longer row: readLimit (512) frames, from 1,024 to 1,535.
        _ = cache.isAnonymous(1_024, following: 3_000, from: reader)
        for frame in UInt64(1_024)..<1_536 {
            #expect(cache.isAnonymous(frame, following: 1_000, from: reader) == Self.isAnonymous(frame))
        }
        #expect(cache.reads == 4)
        #expect(cache.isAnonymous(1_536, following: 1_000, from: reader) == Self.isAnonymous(1_536))
        #expect(cache.reads == 5)
    }

    @Test func framesPastTheEndAreUnknownAndNotAskedAgain() throws {
        // 100 frames: frame 99's neighbourhood (96-127) ends after 4.
        let reader = try Self.reader(frames: 100, anonymous: Self.isAnonymous)
        var cache = AnonymousFrameCache()
        #expect(cache.isAnonymous(99, following: 1, from: reader) == Self.isAnonymous(99))
        #expect(cache.isAnonymous(96, following: 1, from: reader) == Self.isAnonymous(96))
        #expect(cache.isAnonymous(100, following: 1, from: reader) == nil)
        #expect(cache.isAnonymous(130, following: 1, from: reader) == nil)
        #expect(cache.isAnonymous(5_000, following: 20, from: reader) == nil)
        #expect(cache.reads == 1, "no frame past the end is asked")
        #expect(cache.isAnonymous(63, following: 1, from: reader) == Self.isAnonymous(63))
        #expect(cache.reads == 2)
        // A row that runs past the end: its frames before the end answer.
        var fresh = AnonymousFrameCache()
        #expect(fresh.isAnonymous(70, following: 100, from: reader) == Self.isAnonymous(70))
        #expect(fresh.isAnonymous(99, following: 1, from: reader) == Self.isAnonymous(99))
        #expect(fresh.isAnonymous(101, following: 1, from: reader) == nil)
        #expect(fresh.reads == 1)
    }

    @Test func theLargestFramesAreUnknownWithoutARead() throws {
        let reader = try Self.reader(frames: 64, anonymous: Self.isAnonymous)
        var cache = AnonymousFrameCache()
        #expect(cache.isAnonymous(UInt64.max - 1, following: 5_000, from: reader) == nil)
        #expect(cache.isAnonymous(UInt64.max - 600, following: 1, from: reader) == nil)
        #expect(cache.reads == 0)
    }
}
