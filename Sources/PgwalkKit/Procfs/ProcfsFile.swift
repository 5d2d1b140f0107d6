import SystemPackage

/// The open/read/close steps every /proc reader shares, with each failure
/// turned into a `ProcfsError` that names the file and keeps the errno.
package enum ProcfsFile {
    /// Opens a /proc file read-only. `perProcess` says it lies under
    /// /proc/PID (so ENOENT means the process is gone).
    package static func open(_ path: FilePath, perProcess: Bool) throws -> FileDescriptor {
        do {
            return try FileDescriptor.open(path, .readOnly, options: [.closeOnExec], retryOnInterrupt: true)
        } catch let errno as Errno {
            throw ProcfsError.fromSystemCall(errno, operation: "open", path: path, perProcess: perProcess)
        }
    }

    /// Reads a whole text file such as /proc/PID/maps. Files in /proc report
    /// size 0, so read until end-of-file through a 64 KiB scratch buffer.
    package static func readAll(_ path: FilePath, perProcess: Bool) throws -> [UInt8] {
        let fd = try open(path, perProcess: perProcess)
        defer { try? fd.close() }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
        defer { scratch.deallocate() }
        var bytes: [UInt8] = []
        while true {
            let got: Int
            do {
                got = try fd.read(into: scratch, retryOnInterrupt: true)
            } catch let errno as Errno {
                throw ProcfsError.fromSystemCall(errno, operation: "read", path: path, perProcess: perProcess)
            }
            if got == 0 { return bytes }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<got]))
        }
    }

    /// Fills `buffer` from `offset` with pread(2), looping over short reads.
    /// Returns the number of bytes read: less than the buffer only at
    /// end-of-file.
    package static func read(
        _ fd: FileDescriptor, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer,
        path: FilePath, perProcess: Bool
    ) throws -> Int {
        var done = 0
        while done < buffer.count {
            let got: Int
            do {
                got = try fd.read(
                    fromAbsoluteOffset: offset + Int64(done),
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]),
                    retryOnInterrupt: true)
            } catch let errno as Errno {
                throw ProcfsError.fromSystemCall(errno, operation: "pread", path: path, perProcess: perProcess)
            }
            if got == 0 { break }
            done += got
        }
        return done
    }
}
