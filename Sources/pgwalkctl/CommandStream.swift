import PgwalkKit
import SystemPackage

/// The stream a command reads: a walk by the module (`--pid`) or a saved
/// stream (`--input`), copied byte for byte to `--output` as it is read when
/// asked. `walk`, `conform` and `translate` all get their stream here.
struct CommandStream: ByteSource {
    /// Read ahead on a thread of its own while the stream is decoded.
    private let source: ReadAheadByteSource

    /// The seconds the read-ahead thread spent reading, once the stream has
    /// been read to its end; nil for a stream too small to start one.
    var readAheadSeconds: Double? { source.readAheadSeconds }
    private let copy: FileDescriptor?
    private let session: WalkSession?
    private let inputFile: FileDescriptor?

    /// Where the stream comes from.
    enum Origin {
        case module(WalkRequest)
        case file(String)
    }

    /// Opens the stream of `origin` (and `output`, when given), runs `body`
    /// on it, and closes everything, also when `body` throws.
    static func read<T>(_ origin: Origin, savingTo output: String? = nil,
                        _ body: (inout CommandStream) throws -> T) throws -> T {
        var stream = try CommandStream(origin, output: output)
        defer { stream.close() }
        do {
            return try body(&stream)
        } catch {
            // The decoder reports a failed read as a bad stream (exit 6);
            // a full disk under --output is an I/O failure (exit 7).
            if let failure = stream.copyFailure.error { throw failure }
            // A module of another release: its stream's header says so.
            if let session = stream.session { throw session.explaining(error) }
            throw error
        }
    }

    /// Why writing the copy to --output failed, e.g. a full disk.
    struct OutputFailure: Error, CustomStringConvertible {
        var path: String
        var errno: Errno
        var description: String {
            "cannot save the stream to \(path): \(errno.description) (errno \(errno.rawValue)); the copy there is incomplete."
        }
    }

    /// Shared by the copies of this stream the decoder holds.
    private final class CopyFailure {
        var error: OutputFailure?
    }
    private let copyFailure = CopyFailure()
    private let outputPath: String?

    private init(_ origin: Origin, output: String?) throws {
        var session: WalkSession?
        var inputFile: FileDescriptor?
        switch origin {
        case .module(let request): session = try WalkSession(request: request)
        case .file(let path): inputFile = try FileAccess.openForReading(path)
        }
        do {
            self.copy = try output.map { try FileAccess.openForWriting($0) }
        } catch {
            try? session?.close()
            try? inputFile?.close()
            throw error
        }
        self.session = session
        self.inputFile = inputFile
        self.outputPath = output
        self.source = session?.stream ?? ReadAheadByteSource(inputFile!)
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try source.read(into: buffer)
        if count > 0, let copy {
            do {
                _ = try copy.writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            } catch let errno as Errno {
                copyFailure.error = OutputFailure(path: outputPath ?? "?", errno: errno)
                throw copyFailure.error!
            }
        }
        return count
    }

    private func close() {
        source.stop()   // before the descriptor it reads is closed
        try? copy?.close()
        try? session?.close()
        try? inputFile?.close()
    }
}
