#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// A ``ByteSource`` that reads a file descriptor ahead of its consumer, on a
/// thread of its own, so that the module walks the next part of a stream
/// while the decoder works on the last (docs/BENCH.md, change 17).
///
/// The first reads are made directly. Only once they have given more than
/// `startAfter` bytes, so that the stream is a large one, does a thread
/// start: it reads the descriptor in chunks and writes them into a pipe,
/// and every later read takes from the pipe. A small process's stream (a
/// few KiB to a few tens) never pays for a thread. Bytes read, not reads
/// that filled their buffer, decide: the module returns whole records,
/// so its reads are nearly always a little short.
///
/// The bytes, their order, and where the stream ends are those of the
/// descriptor; an error reading it is thrown by the read that reaches it,
/// after every byte read before it, as ``FileDescriptorByteSource`` would.
///
/// Call ``stop()`` before closing the descriptor (``WalkSession/close()``
/// does, for ``WalkSession/stream``): it stops the thread and waits for
/// it, also when the consumer gave up half-way. The thread blocks every signal
/// (``BackgroundThread``); it never touches the descriptor after ``stop()``
/// returns.
public final class ReadAheadByteSource: ByteSource {
    /// The descriptor read (the module's `walk` file, or any file).
    public let fileDescriptor: FileDescriptor
    private let chunkSize: Int
    private let startAfter: Int
    /// Bytes read directly, before any thread.
    private var readDirectly = 0
    /// The thread and the pipe's read end, while the thread runs or until
    /// ``stop()``.
    private var pump: Pump?
    private var pipe: FileDescriptor?
    private var thread: BackgroundThread?
    /// Whether the stream has ended (or ``stop()`` was called): no thread
    /// may start after it.
    private var finished = false

    /// A source reading `fileDescriptor` from where it is; once more than
    /// `startAfter` bytes have been read, ahead by up to `chunkSize` bytes
    /// and a pipe's worth, on a thread.
    public init(_ fileDescriptor: FileDescriptor, chunkSize: Int = 64 * 1024, startAfter: Int = 128 * 1024) {
        self.fileDescriptor = fileDescriptor
        self.chunkSize = max(chunkSize, 1)
        self.startAfter = max(startAfter, 0)
    }

    deinit { stop() }

    /// The seconds the thread spent reading the descriptor (for the module,
    /// walking), once it has ended; nil if none started or it is running.
    /// Its time overlaps the consumer's (`--stats`: `t_readahead`).
    public private(set) var readAheadSeconds: Double?

    /// Reads up to `buffer.count` bytes: from the descriptor, or from the
    /// thread's pipe once the thread runs; 0 at the end of the stream.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let pump, let pipe {
            let count = try pipe.read(into: buffer, retryOnInterrupt: true)
            if count == 0 {
                // The thread has ended: it closed the pipe. An error it met
                // comes after the bytes it read before it.
                join()
                if let failure = pump.failure { throw failure }
            }
            return count
        }
        let count = try fileDescriptor.read(into: buffer, retryOnInterrupt: true)
        readDirectly += count
        if count == 0 {
            finished = true
        } else if readDirectly > startAfter, !finished {
            start()
        }
        return count
    }

    /// Stops the read-ahead and waits for its thread, which then no longer
    /// reads the descriptor. The descriptor itself stays open. Safe to call
    /// more than once.
    public func stop() {
        finished = true
        guard let pipe else { return }
        // A thread blocked writing a full pipe fails with EPIPE (its
        // SIGPIPE is blocked); one in read() finishes that read first.
        try? pipe.close()
        join()
        self.pipe = nil
        pump = nil
    }

    private func start() {
        // Without a pipe or a thread, reads go on directly: slower, not wrong.
        // Close-on-exec: a child started meanwhile must not hold the pipe.
        guard let (readEnd, writeEnd) = try? FileDescriptor.pipe() else { return }
        _ = fcntl(readEnd.rawValue, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd.rawValue, F_SETFD, FD_CLOEXEC)
        let pump = Pump(source: fileDescriptor, writeEnd: writeEnd, chunkSize: chunkSize)
        guard let thread = BackgroundThread({ pump.run() }) else {
            try? readEnd.close()
            try? writeEnd.close()
            return
        }
        self.pump = pump
        self.pipe = readEnd
        self.thread = thread
    }

    private func join() {
        guard let thread else { return }
        thread.join()
        self.thread = nil
        readAheadSeconds = pump?.readSeconds
    }

    /// What the thread works with: it reads `source` into the pipe's
    /// `writeEnd` until the end, an error, or a pipe nobody reads.
    /// `failure` and `readSeconds` are read only after the thread is joined.
    private final class Pump {
        let source: FileDescriptor
        let writeEnd: FileDescriptor
        let chunkSize: Int
        var failure: Errno?
        /// Time spent in reads of `source`.
        var readSeconds = 0.0

        init(source: FileDescriptor, writeEnd: FileDescriptor, chunkSize: Int) {
            self.source = source
            self.writeEnd = writeEnd
            self.chunkSize = chunkSize
        }

        func run() {
            defer { try? writeEnd.close() }
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
            defer { chunk.deallocate() }
            while true {
                let count: Int
                let reading = ContinuousClock.now
                do {
                    count = try source.read(into: chunk, retryOnInterrupt: true)
                    readSeconds += PhaseTimes.seconds(since: reading)
                } catch {
                    failure = error as? Errno ?? .ioError
                    return
                }
                if count == 0 { return }
                do {
                    _ = try writeEnd.writeAll(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
                } catch {
                    return   // the reader stopped: nobody wants the rest
                }
            }
        }
    }
}
