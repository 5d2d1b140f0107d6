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
    public convenience init(request: WalkRequest, paths: ModulePaths = .default) throws {
        try self.init(request: request, paths: paths, checkingVersion: true)
    }

    /// `checkingVersion: false` when the caller has already checked the
    /// module's version this run (``ProcessSweep``: once, not per process).
    init(request: WalkRequest, paths: ModulePaths, checkingVersion: Bool) throws {
        self.request = request
        // A module that writes another format would fail deep in the
        // decoder; say so first. Without an info file the open below says
        // what is missing.
        if checkingVersion {
            try Self.checkVersion(paths: paths)
        }
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
            throw ModuleError.rejected(request, errno: errno, info: try? ModuleInfo.read(paths: paths))
        }
        self.fileDescriptor = fd
    }

    /// Throws ``ModuleError`` `.versionMismatch` when the loaded module
    /// writes a format this client does not read; nothing when its info
    /// file is missing (the walk file's open then says what is).
    static func checkVersion(paths: ModulePaths) throws {
        if let info = try? ModuleInfo.read(paths: paths) {
            try VersionCheck(info: info).require()
        }
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
