#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import Testing
@testable import PgwalkKit

/// The read-ahead thread gives the bytes of its descriptor, in order, ends
/// where the descriptor ends, and reports the descriptor's error after the
/// bytes before it; it starts only for a stream longer than its threshold,
/// and stops when its consumer does.
@Suite struct ReadAheadByteSourceTests {
    /// `count` bytes of a pattern that repeats only every 251 bytes, so a
    /// chunk lost, repeated or reordered changes them.
    static func pattern(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 % 251) }
    }

    /// A file holding `bytes`, already unlinked, open for reading from its
    /// start. A file, not a pipe: its reads fill every buffer until the end,
    /// as the module's do, and no writer thread is needed.
    static func file(holding bytes: [UInt8]) throws -> FileDescriptor {
        var template = Array("/tmp/pgwalk-readahead-XXXXXX".utf8CString)
        let raw = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard raw >= 0 else { throw Errno(rawValue: errno) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let fd = FileDescriptor(rawValue: raw)
        _ = try bytes.withUnsafeBytes { try fd.writeAll($0) }
        _ = try fd.seek(offset: 0, from: .start)
        return fd
    }

    /// Everything `source` gives, read `size` bytes at a time.
    static func drain(_ source: ReadAheadByteSource, readSize size: Int) throws -> [UInt8] {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: size)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { return all }
            all += buffer[0..<count]
        }
    }

    @Test(arguments: [(5 << 20, 16 * 1024), (3 * 65_536 + 17, 65_536), (100_000, 7)])
    func givesEveryByteInOrder(length: Int, readSize: Int) throws {
        let bytes = Self.pattern(length)
        let file = try Self.file(holding: bytes)
        defer { try? file.close() }
        let source = ReadAheadByteSource(file, chunkSize: 4096, startAfter: 10_000)
        defer { source.stop() }
        let read = try Self.drain(source, readSize: readSize)
        #expect(read.count == bytes.count)
        #expect(read == bytes)
        #expect(source.readAheadSeconds != nil)   // a thread ran, and ended
        // The end stays the end.
        var one: UInt8 = 0
        #expect(try withUnsafeMutableBytes(of: &one) { try source.read(into: $0) } == 0)
    }

    /// A small process's stream: read in short reads, as the module's
    /// are, up to the threshold and no further.
    @Test func aStreamNoLongerThanTheThresholdStartsNoThread() throws {
        let bytes = Self.pattern(128 * 1024)
        let file = try Self.file(holding: bytes)
        defer { try? file.close() }
        let source = ReadAheadByteSource(file, startAfter: 128 * 1024)
        defer { source.stop() }
        #expect(try Self.drain(source, readSize: 16 * 1024 - 8) == bytes)
        #expect(source.readAheadSeconds == nil)   // no thread
    }

    /// A Unix socket whose peer closed with data unread fails the next
    /// read with ECONNRESET once the data sent before is read: an error in
    /// the middle of a stream, as a module read that fails would be.
    @Test func theDescriptorsErrorComesAfterTheBytesBeforeIt() throws {
        var ends: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        let ours = FileDescriptor(rawValue: ends[0]), peer = FileDescriptor(rawValue: ends[1])
        defer { try? ours.close() }
        let bytes = Self.pattern(100_000)
        _ = try bytes.withUnsafeBytes { try peer.writeAll($0) }
        _ = try [UInt8(1)].withUnsafeBytes { try ours.writeAll($0) }   // left unread by the peer
        try peer.close()
        let source = ReadAheadByteSource(ours, chunkSize: 4096, startAfter: 8192)
        defer { source.stop() }
        var read: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        let failure = #expect(throws: Errno.self) {
            while true {
                let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if count == 0 { break }
                read += buffer[0..<count]
            }
        }
        #expect(failure == .connectionReset)
        #expect(read == bytes)
        #expect(source.readAheadSeconds != nil)
    }

    /// The consumer stops after two reads of a stream far larger than the
    /// pipe, with the thread blocked writing: stop() returns, and the
    /// descriptor is still open and where the thread left it.
    @Test func stopEndsTheThreadWhenTheConsumerGivesUp() throws {
        let bytes = Self.pattern(8 << 20)
        let file = try Self.file(holding: bytes)
        defer { try? file.close() }
        let source = ReadAheadByteSource(file, chunkSize: 4096, startAfter: 0)
        var buffer = [UInt8](repeating: 0, count: 4096)
        #expect(try buffer.withUnsafeMutableBytes { try source.read(into: $0) } == 4096)
        #expect(try buffer.withUnsafeMutableBytes { try source.read(into: $0) } > 0)
        source.stop()
        source.stop()
        #expect(source.readAheadSeconds != nil)
        // The rest is still there to read directly, after what the thread took.
        let rest = try Self.drain(ReadAheadByteSource(file), readSize: 1 << 20)
        #expect(rest.count < bytes.count - 8192)
        #expect(Array(bytes.suffix(rest.count)) == rest)
    }
}
