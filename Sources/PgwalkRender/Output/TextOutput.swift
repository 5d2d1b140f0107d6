import PgwalkKit
import SystemPackage

/// A buffered writer to a file descriptor: output as large as the target's
/// page tables goes out in 64 KiB writes, never held whole in memory.
package final class TextOutput {
    private let fileDescriptor: FileDescriptor
    private var buffer: [UInt8] = []
    private let capacity: Int
    /// Called before each write to the file descriptor: a progress line on
    /// the same terminal erases itself here.
    package var beforeWrite: (() -> Void)?

    package init(_ fileDescriptor: FileDescriptor = .standardOutput, capacity: Int = 64 * 1024) {
        self.fileDescriptor = fileDescriptor
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    package func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { flush() }
    }

    /// The first error a write met (EPIPE: the reader went away; ENOSPC: a
    /// full disk). Output after it is dropped.
    package private(set) var failure: Errno?

    /// The first failure of any writer to standard output, for the
    /// command's exit status (pgwalkctl: a full disk is exit 7, a closed
    /// pipe quietly ends the output).
    package nonisolated(unsafe) static var standardOutputFailure: Errno?

    package func flush() {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        guard failure == nil else { return }
        beforeWrite?()
        do {
            _ = try buffer.withUnsafeBytes { try fileDescriptor.writeAll($0) }
        } catch {
            let errno = error as? Errno ?? .ioError
            failure = errno
            if fileDescriptor == .standardOutput, Self.standardOutputFailure == nil {
                Self.standardOutputFailure = errno
            }
        }
    }

    deinit { flush() }
}
