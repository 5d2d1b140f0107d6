/// A ``ByteSource`` over bytes in memory. `chunkLimit` caps how much one
/// read returns, so tests can make records straddle read boundaries.
public struct MemoryByteSource: ByteSource, Sendable {
    /// The whole stream.
    public let bytes: [UInt8]
    /// How many bytes were read so far.
    public private(set) var position = 0
    /// The most one read returns (to test short reads).
    public let chunkLimit: Int

    /// A source over `bytes`, returning at most `chunkLimit` bytes per read.
    public init(_ bytes: [UInt8], chunkLimit: Int = .max) {
        self.bytes = bytes
        self.chunkLimit = max(1, chunkLimit)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, chunkLimit, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<position + count]))
        }
        position += count
        return count
    }
}
