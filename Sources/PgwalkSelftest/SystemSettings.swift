import PgwalkKit
import SystemPackage

/// A journal of the system settings the selftest changed (sysfs/procfs
/// values, swap devices, loaded modules), each with how to undo it.
///
/// Every change is journaled **before** it is made, so that a failure or a
/// signal half-way still undoes it. `restore()` undoes them in reverse order
/// and forgets each as it goes, so calling it again (from an error path, the
/// signal watcher and the exit hook) does nothing twice. After
/// `restore(closing: true)` no further change is accepted: the process is
/// about to die.
package final class SystemSettings: @unchecked Sendable {
    package struct Closed: Error, CustomStringConvertible {
        package var description: String { "the selftest is being interrupted: no more system settings are changed" }
    }

    /// A file write that failed, with what to check.
    package struct WriteFailed: Error, CustomStringConvertible {
        package var path: String
        package var value: String
        package var reason: String
        package var description: String { "could not write '\(value)' to \(path): \(reason)" }
    }

    private struct Change {
        var description: String
        var undo: () throws -> Void
    }

    /// Prefix of every /sys and /proc path: "" on a real system, a
    /// temporary directory in tests.
    package let root: String
    package let commands: CommandRunner
    private let lock = PthreadMutex()
    private var journal: [Change] = []
    private var closed = false
    /// Descriptions of the changes made, in order, kept after restore.
    package private(set) var history: [String] = []

    package init(root: String = "", commands: CommandRunner = SpawnedCommandRunner()) {
        self.root = root
        self.commands = commands
    }

    package func path(_ absolute: String) -> String { root + absolute }

    /// What is journaled now, newest last.
    package var pending: [String] { lock.withLock { journal.map(\.description) } }

    /// Journals `description` with its undo. Call before making the change.
    package func record(_ description: String, undo: @escaping () throws -> Void) throws {
        try lock.withLock {
            guard !closed else { throw Closed() }
            journal.append(Change(description: description, undo: undo))
            history.append(description)
        }
    }

    /// Drops the newest journal entry without running it (the change it
    /// guarded turned out not to happen, e.g. a command that failed).
    package func forgetLast() {
        lock.withLock { _ = journal.popLast() }
    }

    /// Undoes every journaled change, newest first. Returns what failed to
    /// undo (each message says what to put back by hand).
    @discardableResult
    package func restore(closing: Bool = false) -> [String] {
        lock.withLock {
            if closing { closed = true }
            var failures: [String] = []
            while let change = journal.popLast() {
                do {
                    try change.undo()
                } catch {
                    failures.append("could not undo '\(change.description)': \(error); put it back by hand")
                }
            }
            return failures
        }
    }

    // MARK: - Files

    /// The value of a sysfs/procfs file: the `[selected]` word of a choice
    /// file such as transparent_hugepage/enabled, else the trimmed text.
    package func read(_ absolute: String) -> String? {
        guard let bytes = try? ProcfsFile.readAll(FilePath(path(absolute)), perProcess: false) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingTrailingNewlines
        if let open = text.firstIndex(of: "["), let close = text[open...].firstIndex(of: "]") {
            return String(text[text.index(after: open)..<close])
        }
        return text
    }

    package func readInt(_ absolute: String) -> Int? { read(absolute).flatMap { Int($0) } }

    /// Sets a file to `value`, journaling its previous value first. Does
    /// nothing (and journals nothing) if it already holds `value`.
    package func set(_ absolute: String, to value: String) throws {
        guard let previous = read(absolute) else {
            throw WriteFailed(path: path(absolute), value: value, reason: "it cannot be read (missing in this kernel?)")
        }
        guard previous != value else { return }
        try record("\(absolute): \(previous) -> \(value)") { [self] in
            try rawWrite(absolute, previous)
        }
        // On failure the entry stays: writing the old value back is harmless
        // and undoes a partial effect (nr_hugepages allocates what it can).
        try rawWrite(absolute, value)
    }

    /// Writes without journaling (undo actions, and writes whose undo is a
    /// different file, like zram's reset).
    package func rawWrite(_ absolute: String, _ value: String) throws {
        let full = path(absolute)
        do {
            // O_TRUNC as the shell's `echo v > file`: sysfs ignores it, a
            // plain file (tests) needs it.
            let fd = try FileDescriptor.open(FilePath(full), .writeOnly, options: [.truncate, .closeOnExec],
                                             retryOnInterrupt: true)
            defer { try? fd.close() }
            _ = try fd.writeAll((value + "\n").utf8)
        } catch let errno as Errno {
            throw WriteFailed(path: full, value: value, reason: errno.description)
        }
    }

    package func exists(_ absolute: String) -> Bool {
        var st = stat()
        return stat(path(absolute), &st) == 0
    }

    // MARK: - Commands

    package struct CommandFailed: Error, CustomStringConvertible {
        package var command: [String]
        package var status: Int32
        package var output: String
        package var description: String {
            "'\(command.joined(separator: " "))' failed (status \(status))" + (output.isEmpty ? "" : ": \(output)")
        }
    }

    /// Runs a command; throws if it fails.
    package func run(_ command: [String]) throws {
        let result = commands.run(command)
        guard result.status == 0 else { throw CommandFailed(command: command, status: result.status, output: result.output) }
    }

    /// Runs `command`, journaling `undo` first; forgets it if the command fails.
    package func run(_ command: [String], undo: [String]) throws {
        try record(command.joined(separator: " ")) { [self] in try run(undo) }
        do {
            try run(command)
        } catch {
            forgetLast()
            throw error
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
