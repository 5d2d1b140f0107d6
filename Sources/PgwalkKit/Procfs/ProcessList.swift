#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The processes /proc lists, each with whether it has a user address space
/// to read: what `verify --all` and `walk --all` go through.
public enum ProcessList {
    /// A process of /proc and what it is.
    public struct Entry: Sendable, Hashable {
        /// What a process is, as far as reading its page tables goes.
        public enum Kind: Sendable, Hashable {
            /// A user process with an address space.
            case user
            /// A kernel thread (`PF_KTHREAD`): no user address space.
            case kernelThread
            /// Gone, a zombie, or exiting (`PF_EXITING`): its memory is
            /// going or gone.
            case exited
        }

        /// The process id.
        public var pid: Int32
        /// Its command name (`comm`, field 2 of stat); empty when gone.
        public var command: String
        /// What it is.
        public var kind: Kind

        /// An entry of `pid`, `command`, `kind`.
        public init(pid: Int32, command: String, kind: Kind) {
            self.pid = pid
            self.command = command
            self.kind = kind
        }
    }

    /// include/linux/sched.h: set on kernel threads for their whole life.
    static let pfKernelThread: UInt64 = 0x0020_0000
    /// include/linux/sched.h: set before the exiting task gives up its mm.
    static let pfExiting: UInt64 = 0x4

    /// The numeric entries of /proc, in ascending order. Thread ids are
    /// not listed there (only under /proc/PID/task), so each is a process.
    public static func pids() throws -> [Int32] {
        guard let directory = opendir("/proc") else {
            throw ProcfsError.fromSystemCall(Errno(rawValue: errno), operation: "opendir", path: "/proc",
                                             perProcess: false)
        }
        defer { closedir(directory) }
        var pids: [Int32] = []
        while let entry = readdir(directory) {
            let pid = withUnsafeBytes(of: entry.pointee.d_name) { raw -> Int32? in
                let name = raw.prefix(while: { $0 != 0 })
                guard !name.isEmpty, name.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
                return Int32(String(decoding: name, as: UTF8.self))
            }
            if let pid, pid > 0 { pids.append(pid) }
        }
        return pids.sorted()
    }

    /// Every process of /proc, classified (``classify(pid:)``), in pid order.
    public static func all() throws -> [Entry] {
        try pids().map(classify(pid:))
    }

    /// What `pid` is now, from /proc/PID/stat: a process whose stat cannot
    /// be read (it has gone) is `.exited`.
    public static func classify(pid: Int32) -> Entry {
        guard let line = try? ProcfsFile.readAll(FilePath("/proc/\(pid)/stat"), perProcess: true) else {
            return Entry(pid: pid, command: "", kind: .exited)
        }
        return classify(pid: pid, statLine: line)
    }

    /// What a stat line says: the state (field 3) and the flags (field 9).
    /// A line that cannot be parsed is `.exited` (a process caught in its
    /// last moments has no stat to show).
    static func classify(pid: Int32, statLine: some Collection<UInt8>) -> Entry {
        let bytes = Array(statLine)
        let command: String
        if let open = bytes.firstIndex(of: UInt8(ascii: "(")), let close = bytes.lastIndex(of: UInt8(ascii: ")")),
           open < close {
            command = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        } else {
            command = ""
        }
        guard let fields = try? ProcessRunState.fieldsAfterName(bytes), fields.count > 6,
              let flags = UInt64(String(decoding: fields[6], as: UTF8.self)) else {
            return Entry(pid: pid, command: command, kind: .exited)
        }
        let state = ProcessRunState(code: Character(Unicode.Scalar(fields[0].first!)))
        let kind: Entry.Kind
        if flags & pfKernelThread != 0 {
            kind = .kernelThread
        } else if state.hasExited || flags & pfExiting != 0 {
            kind = .exited
        } else {
            kind = .user
        }
        return Entry(pid: pid, command: command, kind: kind)
    }
}
