import SystemPackage

/// A saved stream file (`*.pgw`): the module's stream, byte for byte. Loading
/// one gives the same ``PageTables`` a live stream would, so any consumer of
/// a ``PageTableSource`` runs on it unchanged.
public struct Snapshot: Sendable {
    /// The stream's header.
    public let header: StreamHeader
    /// The tables rebuilt from the stream.
    public let pageTables: PageTables
    /// The END record (a snapshot must be a complete stream).
    public let end: EndRecord

    /// A snapshot file that could not be opened or read.
    public struct LoadError: Error, CustomStringConvertible {
        /// The file that could not be loaded.
        public let path: FilePath
        /// Why: the open or read error, or the stream's decoding error.
        public let underlying: any Error
        public var description: String { "cannot load snapshot \(path): \(underlying)" }
    }

    /// Reads and decodes the snapshot at `path`.
    public static func load(from path: FilePath) throws -> Snapshot {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly)
        } catch {
            throw LoadError(path: path, underlying: error)
        }
        return try fd.closeAfter {
            do {
                let built = try StreamPageTables.build(from: FileDescriptorByteSource(fd))
                guard let end = built.end else {
                    // build() only returns after END; keep the error explicit anyway.
                    throw StreamDecodingError(offset: 0, recordIndex: nil, recordType: nil, reason: .missingEnd)
                }
                return Snapshot(header: built.header, pageTables: built.pageTables, end: end)
            } catch {
                throw LoadError(path: path, underlying: error)
            }
        }
    }

    /// Writes stream bytes to `path` (created or truncated, mode 0644).
    public static func save(_ streamBytes: [UInt8], to path: FilePath) throws {
        let fd = try FileDescriptor.open(path, .writeOnly, options: [.create, .truncate],
                                         permissions: [.ownerReadWrite, .groupRead, .otherRead])
        try fd.closeAfter { _ = try fd.writeAll(streamBytes) }
    }
}
