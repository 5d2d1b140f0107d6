#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import Testing
@testable import PgwalkKit
@testable import PgwalkRender

/// TextOutput on a device that refuses every write: it keeps the error for
/// the command's exit status (pgwalkctl exits 7 on a full disk) instead of
/// dropping it, and drops the output after it.
@Suite struct TextOutputFailureTests {
    @Test func fullDeviceIsRecorded() throws {
        let full = try FileDescriptor.open("/dev/full", .writeOnly)
        defer { try? full.close() }
        let out = TextOutput(full, capacity: 16)
        #expect(out.failure == nil)
        out.write("more than sixteen bytes of output\n")
        #expect(out.failure == .noSpace)
        out.write("and more, dropped\n")
        out.flush()
        #expect(out.failure == .noSpace)
    }

    @Test func closedPipeIsRecorded() throws {
        let (reader, writer) = try FileDescriptor.pipe()
        try reader.close()
        defer { try? writer.close() }
        // pgwalkctl ignores SIGPIPE; so must this test process, to see EPIPE.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        let out = TextOutput(writer)
        out.write("x")
        out.flush()
        #expect(out.failure == .brokenPipe)
    }
}
