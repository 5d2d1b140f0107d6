import PgwalkKit
import SystemPackage

/// Opening the files named by --input and --output, with errors that name
/// the file and what went wrong.
enum FileAccess {
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var purpose: String
        var errno: Errno

        var description: String { "cannot open \(path) \(purpose): \(errno.description) (errno \(errno.rawValue))" }
    }

    static func openForReading(_ path: String) throws -> FileDescriptor {
        do {
            return try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch let errno as Errno {
            throw Failure(path: path, purpose: "to read a saved stream", errno: errno)
        }
    }

    static func openForWriting(_ path: String, purpose: String = "to save the stream") throws -> FileDescriptor {
        do {
            return try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec],
                                           permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch let errno as Errno {
            throw Failure(path: path, purpose: purpose, errno: errno)
        }
    }
}
