import SystemPackage

/// Reads /proc/PID/maps into typed `MemoryMapping`s.
///
/// The file is read in one pass and parsed afterwards, so the result is the
/// kernel's view at (about) one moment; freeze the target (`ProcessFreezer`)
/// if that moment must match a later pagemap read.
public enum ProcessMaps {
    /// The mappings of `target`, in address order.
    ///
    /// Throws `ProcfsError` with `.processGone` (ENOENT/ESRCH) when the pid
    /// does not exist, `.permissionDenied` (EACCES/EPERM) without ptrace read
    /// access. A zombie has no mappings: the result is empty.
    public static func read(_ target: ProcTarget) throws -> [MemoryMapping] {
        let path = target.file("maps")
        let bytes = try ProcfsFile.readAll(path, perProcess: true)
        return try parse(bytes)
    }

    /// Parses text in the format of /proc/PID/maps (e.g. a saved copy).
    public static func parse(_ text: some Collection<UInt8>) throws -> [MemoryMapping] {
        let array = Array(text)
        return try array.withUnsafeBufferPointer { try MapsLineParser.parseAll($0) }
    }

    /// Parses one line of /proc/PID/maps (without its newline).
    public static func parseLine(_ line: String) throws -> MemoryMapping {
        let bytes = Array(line.utf8)
        return try bytes.withUnsafeBufferPointer { try MapsLineParser.parse(line: $0, lineNumber: 1) }
    }
}
