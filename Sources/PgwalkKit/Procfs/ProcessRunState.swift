#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The scheduler state letter of /proc/PID/stat (third field), e.g. `S`.
///
/// ProcessFreezer uses it to see whether a target is already stopped (and so
/// must not be continued by us) and to wait until SIGSTOP has taken effect.
public enum ProcessRunState: Sendable, Hashable {
    case running          // R
    case sleeping         // S
    case diskSleep        // D (uninterruptible)
    case stopped          // T (job control stop, e.g. SIGSTOP)
    case tracingStop      // t (stopped by a ptrace tracer)
    case zombie           // Z
    case dead             // X
    case idle             // I (kernel threads)
    case parked           // P
    case other(Character)

    /// The state for a state letter of /proc/PID/stat (`R`, `S`, `T`, ...).
    public init(code: Character) {
        switch code {
        case "R": self = .running
        case "S": self = .sleeping
        case "D": self = .diskSleep
        case "T": self = .stopped
        case "t": self = .tracingStop
        case "Z": self = .zombie
        case "X", "x": self = .dead
        case "I": self = .idle
        case "P": self = .parked
        default: self = .other(code)
        }
    }

    /// Stopped by a signal or by a tracer: it will not run until continued.
    public var isStopped: Bool { self == .stopped || self == .tracingStop }
    /// Exited: no memory left to read.
    public var hasExited: Bool { self == .zombie || self == .dead }

    /// Parses the content of a /proc/PID/stat or /proc/PID/task/TID/stat
    /// file. The command name (field 2) may contain spaces and parentheses,
    /// so the state is the first character after the last ") ".
    public static func parse(statLine: some Collection<UInt8>) throws -> ProcessRunState {
        let fields = try fieldsAfterName(statLine)
        return ProcessRunState(code: Character(Unicode.Scalar(fields[0].first!)))
    }

    /// The fields of a stat line after the command name (which may hold
    /// spaces and parentheses): state, ppid, pgrp, session, tty_nr, tpgid,
    /// flags...
    static func fieldsAfterName(_ statLine: some Collection<UInt8>) throws -> [ArraySlice<UInt8>] {
        let bytes = Array(statLine)
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")),
              close + 2 < bytes.count, bytes[close + 1] == UInt8(ascii: " "), bytes[close + 2] != UInt8(ascii: " ")
        else {
            throw ProcfsError(.malformedStat(String(decoding: bytes, as: UTF8.self)), operation: "parse stat")
        }
        // Not empty: the byte after ") " is not a space.
        return bytes[(close + 2)...].split(separator: UInt8(ascii: " "))
    }

    /// The state of process `pid` (its main thread), from /proc/PID/stat.
    public static func read(pid: pid_t) throws -> ProcessRunState {
        try parse(statLine: ProcfsFile.readAll(FilePath("/proc/\(pid)/stat"), perProcess: true))
    }

    /// The state of every thread of `pid`, from /proc/PID/task/*/stat.
    /// Threads that exit while being listed are left out.
    public static func readThreads(pid: pid_t) throws -> [pid_t: ProcessRunState] {
        let taskDirectory = "/proc/\(pid)/task"
        guard let directory = opendir(taskDirectory) else {
            throw ProcfsError.fromSystemCall(
                Errno(rawValue: errno), operation: "opendir", path: FilePath(taskDirectory), perProcess: true)
        }
        defer { closedir(directory) }
        var states: [pid_t: ProcessRunState] = [:]
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let tid = pid_t(name) else { continue }
            do {
                states[tid] = try parse(
                    statLine: ProcfsFile.readAll(FilePath("\(taskDirectory)/\(name)/stat"), perProcess: true))
            } catch let error as ProcfsError where error.reason == .processGone {
                continue
            }
        }
        return states
    }

    /// True unless /proc/PID is gone or the process is a zombie.
    static func isAlive(pid: pid_t) -> Bool {
        guard let state = try? read(pid: pid) else { return false }
        return !state.hasExited
    }

    /// True when /proc/PID is gone, the process is a zombie, or it is on its
    /// way out: the kernel sets PF_EXITING (the flags, field 9 of stat)
    /// before it releases the memory, while the state letter still says
    /// running, so a pagemap read that met end-of-file then is explained.
    static func isExitingOrGone(pid: pid_t) -> Bool {
        guard let line = try? ProcfsFile.readAll(FilePath("/proc/\(pid)/stat"), perProcess: true),
              let fields = try? fieldsAfterName(line)
        else { return true }
        if ProcessRunState(code: Character(Unicode.Scalar(fields[0].first!))).hasExited { return true }
        guard fields.count > 6, let flags = UInt64(String(decoding: fields[6], as: UTF8.self)) else { return false }
        let pfExiting: UInt64 = 0x4
        return flags & pfExiting != 0
    }
}
