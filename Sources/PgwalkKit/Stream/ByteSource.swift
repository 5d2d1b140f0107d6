/// Where a stream's bytes come from, read in chunks so that decoding needs
/// memory for one record at a time, whatever the stream's size.
public protocol ByteSource {
    /// Reads up to `buffer.count` bytes into `buffer` and returns how many
    /// were read; 0 means the end of the stream.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}
