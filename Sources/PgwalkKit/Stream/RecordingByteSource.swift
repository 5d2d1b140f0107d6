import SystemPackage

/// A ``ByteSource`` that copies every byte it reads from `base` to a file
/// descriptor: decode the module's stream and save it as a snapshot in one
/// pass (the `walk` file cannot be read twice).
public struct RecordingByteSource<Base: ByteSource>: ByteSource {
    /// The source read.
    public private(set) var base: Base
    /// Where every byte read is copied.
    public let copy: FileDescriptor

    /// A source reading `base` and copying what it reads to `copy`.
    public init(_ base: Base, copyTo copy: FileDescriptor) {
        self.base = base
        self.copy = copy
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try base.read(into: buffer)
        if count > 0 {
            _ = try copy.writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return count
    }
}
