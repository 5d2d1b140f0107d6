import SystemPackage

/// One walk session with the module: the walk file opened, a request
/// written, and the stream ready to be read from `fileDescriptor`.
///
/// Every open of the walk file is its own session in the kernel, so two
/// `WalkSession`s never interfere. Closing ends the session and frees the
/// module's buffer.
public final class WalkSession {
    /// The request the session was opened with.
    public let request: WalkRequest
    /// The walk file, to read the stream from.
    public let fileDescriptor: FileDescriptor
    /// Where the module's files are: its info file is read only when the
    /// stream's header is not one this pgwalkctl reads (``explaining(_:)``).
    private let paths: ModulePaths
    private var closed = false
    private var readAhead: ReadAheadByteSource?

    /// The stream, read ahead on a second thread once it is large
    /// (``ReadAheadByteSource``). The session stops that thread before it
    /// closes the walk file, so no caller has to order the two.
    public var stream: ReadAheadByteSource {
        if let readAhead { return readAhead }
        let source = ReadAheadByteSource(fileDescriptor)
        readAhead = source
        return source
    }

    /// Opens the walk file and sends `request`. Errors are `ModuleError`s that
    /// say what went wrong and what to do.
    ///
    /// The module's version is not checked here: a module that writes
    /// another stream format is found at the stream's header, and only then
    /// is its info file read, to say so (``decoder()``, ``explaining(_:)``).
    /// Read before every session, that file cost a small process's walk
    /// 1.3 ms of its 9 under emulation (docs/BENCH.md, change 21).
    public init(request: WalkRequest, paths: ModulePaths = .default) throws {
        self.request = request
        self.paths = paths
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(FilePath(paths.walk), .readWrite, options: [.closeOnExec])
        } catch let errno as Errno {
            throw ModuleError.from(errno, operation: "open", pid: request.pid)
        }
        do {
            // One write is one request to the module (FORMAT.md section 2),
            // which takes it whole or fails it.
            var text = request.text
            let written = try text.withUTF8 { try fd.write(UnsafeRawBufferPointer($0)) }
            precondition(written == text.utf8.count)
        } catch let errno as Errno {
            try? fd.close()
            let info = try? ModuleInfo.read(paths: paths)
            if let mismatch = info.flatMap({ VersionCheck(info: $0).mismatch }) { throw mismatch }
            throw ModuleError.rejected(request, errno: errno, info: info)
        }
        self.fileDescriptor = fd
    }

    /// The decoder of the session's stream, its header read. A header this
    /// pgwalkctl cannot read throws what ``explaining(_:)`` makes of it.
    public func decoder() throws -> StreamDecoder<ReadAheadByteSource> {
        do {
            return try StreamDecoder(source: stream)
        } catch {
            throw explaining(error)
        }
    }

    /// What an error reading this session's stream means. A header this
    /// pgwalkctl cannot read (another format version, or not a stream at
    /// all), from a module whose info file names another stream format, is
    /// that module's version mismatch: a ``ModuleError`` of kind
    /// ``ModuleError/Kind/versionMismatch`` with both sides' versions.
    /// Anything else is returned as it is.
    public func explaining(_ error: Error) -> Error {
        guard let decoding = error as? StreamDecodingError, decoding.recordIndex == nil,
              let info = try? ModuleInfo.read(paths: paths), let mismatch = VersionCheck(info: info).mismatch else {
            return error
        }
        return mismatch
    }

    /// Throws ``ModuleError`` `.versionMismatch` when the loaded module
    /// writes a format this client does not read; nothing when its info
    /// file is missing (the walk file's open then says what is). For runs
    /// that check once before many sessions (``ProcessSweep``).
    static func checkVersion(paths: ModulePaths) throws {
        if let info = try? ModuleInfo.read(paths: paths) { try VersionCheck(info: info).require() }
    }

    /// Closes the walk file; the module ends the walk if it is still running.
    public func close() throws {
        guard !closed else { return }
        closed = true
        readAhead?.stop()
        try fileDescriptor.close()
    }

    deinit {
        if !closed {
            readAhead?.stop()
            try? fileDescriptor.close()
        }
    }
}
