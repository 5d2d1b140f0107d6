import SystemPackage

/// A ``ByteSource`` reading a file descriptor: the module's `walk` file, a
/// pipe, or a saved snapshot. Reads are retried on `EINTR`; the descriptor is
/// not closed by this type.
public struct FileDescriptorByteSource: ByteSource {
    /// The file read (the walk file, or a saved stream).
    public let fileDescriptor: FileDescriptor

    /// A source reading `fileDescriptor` from where it is.
    public init(_ fileDescriptor: FileDescriptor) {
        self.fileDescriptor = fileDescriptor
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try fileDescriptor.read(into: buffer, retryOnInterrupt: true)
    }
}
