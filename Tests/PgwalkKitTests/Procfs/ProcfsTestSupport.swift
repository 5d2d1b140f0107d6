#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PgwalkKit
import SystemPackage
import Testing

/// Helpers for the Procfs tests: memory the test maps itself, temp files and
/// child processes. Expected values in the tests come from what these set up,
/// never from the code under test.
enum ProcfsTestSupport {
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    static var isRoot: Bool { geteuid() == 0 }

    /// Writes `text` to /proc/self/clear_refs ("4" clears soft-dirty bits).
    static func clearRefs(_ text: String) throws {
        let fd = try FileDescriptor.open("/proc/self/clear_refs", .writeOnly)
        defer { try? fd.close() }
        _ = try fd.writeAll(Array(text.utf8))
    }

    /// Reads a small text file, e.g. under /sys.
    static func readText(_ path: String) -> String? {
        guard let fd = try? FileDescriptor.open(FilePath(path), .readOnly) else { return nil }
        defer { try? fd.close() }
        var buffer = [UInt8](repeating: 0, count: 4096)
        guard let count = try? buffer.withUnsafeMutableBytes({ try fd.read(into: $0) }) else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }

    /// The file system type ("ext4", "tmpfs", ...) holding `path`, from the
    /// longest matching mount point in /proc/self/mountinfo.
    static func fileSystemType(of path: String) -> String? {
        guard let text = readAllText("/proc/self/mountinfo") else { return nil }
        var best: (mountPoint: String, type: String)?
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 5, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { continue }
            let mountPoint = String(fields[4])
            let covers = path == mountPoint || path.hasPrefix(mountPoint == "/" ? "/" : mountPoint + "/")
            if covers && mountPoint.count >= (best?.mountPoint.count ?? -1) {
                best = (mountPoint, String(fields[dash + 1]))
            }
        }
        return best?.type
    }

    /// The VmFlags of the mapping starting at `start` in this process's
    /// /proc/self/smaps ("rd", "mr", "pf" for VM_PFNMAP, "mm" for
    /// VM_MIXEDMAP...), read here rather than from the code under test.
    static func vmFlags(ofMappingAt start: UInt64) -> Set<String>? {
        guard let text = readAllText("/proc/self/smaps") else { return nil }
        var inMapping = false
        for line in text.split(separator: "\n") {
            if let dash = line.firstIndex(of: "-"), let first = UInt64(line[..<dash], radix: 16),
               line[line.index(after: dash)...].first?.isHexDigit == true {
                inMapping = first == start
            } else if inMapping && line.hasPrefix("VmFlags:") {
                return Set(line.dropFirst("VmFlags:".count).split(separator: " ").map(String.init))
            }
        }
        return nil
    }

    /// Like readText, without the 4 KiB limit.
    static func readAllText(_ path: String) -> String? {
        guard let fd = try? FileDescriptor.open(FilePath(path), .readOnly) else { return nil }
        defer { try? fd.close() }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while let count = try? buffer.withUnsafeMutableBytes({ try fd.read(into: $0) }), count > 0 {
            bytes += buffer.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The selected THP mode ("always", "madvise", "never"), if THP exists.
    static var transparentHugePageMode: String? {
        guard let text = readText("/sys/kernel/mm/transparent_hugepage/enabled"),
              let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]")
        else { return nil }
        return String(text[text.index(after: open)..<close])
    }
}

/// A mapping the test creates, fenced by PROT_NONE pages on both sides so
/// that no other mapping of this process (tests run in parallel) can merge
/// with it and change its VMA flags (a merge would set VM_SOFTDIRTY).
final class ProcfsFencedMapping {
    let reservation: UnsafeMutableRawPointer
    let reservationSize: Int
    let base: UnsafeMutableRawPointer
    let size: Int

    /// Maps `pages` pages with `protection`/`flags` (MAP_FIXED is added) on
    /// an address aligned to `alignment`. Unless `hugePages`, the area gets
    /// MADV_NOHUGEPAGE: with THP "always" one written byte would otherwise
    /// populate a whole 2 MiB.
    init(
        pages: Int, protection: Int32 = PROT_READ | PROT_WRITE,
        flags: Int32 = MAP_PRIVATE | MAP_ANONYMOUS, fd: Int32 = -1, offset: off_t = 0,
        alignment: Int = ProcfsTestSupport.pageSize, hugePages: Bool = false
    ) throws {
        let pageSize = ProcfsTestSupport.pageSize
        size = pages * pageSize
        reservationSize = size + 2 * alignment + 2 * pageSize
        let reserved = mmap(nil, reservationSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let reserved, reserved != MAP_FAILED else { throw Errno(rawValue: errno) }
        reservation = reserved
        let first = UInt(bitPattern: reserved) + UInt(pageSize)
        let aligned = (first + UInt(alignment) - 1) / UInt(alignment) * UInt(alignment)
        let mapped = mmap(UnsafeMutableRawPointer(bitPattern: aligned), size, protection, flags | MAP_FIXED, fd, offset)
        guard let mapped, mapped != MAP_FAILED else {
            let error = Errno(rawValue: errno)
            munmap(reserved, reservationSize)
            throw error
        }
        base = mapped
        if madvise(mapped, size, hugePages ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0 && hugePages {
            let error = Errno(rawValue: errno)
            munmap(reserved, reservationSize)
            throw error
        }
    }

    deinit { munmap(reservation, reservationSize) }

    var address: UInt64 { UInt64(UInt(bitPattern: base)) }
    var range: Range<UInt64> { address..<address + UInt64(size) }
    func address(ofPage index: Int) -> UInt64 { address + UInt64(index * ProcfsTestSupport.pageSize) }
    func pointer(toPage index: Int) -> UnsafeMutableRawPointer { base + index * ProcfsTestSupport.pageSize }

    /// Writes one byte to page `index`, so it is present and dirty.
    func write(page index: Int, value: UInt8 = 0xA5) {
        pointer(toPage: index).storeBytes(of: value, as: UInt8.self)
    }

    /// Reads one byte of page `index` without writing it (a private
    /// anonymous page then maps the shared zero page).
    @discardableResult
    func read(page index: Int) -> UInt8 {
        // volatile-like read: go through an opaque call so it is not elided.
        var byte: UInt8 = 0
        memcpy(&byte, pointer(toPage: index), 1)
        return byte
    }
}

/// A temporary regular file on the root file system (real page cache, a
/// real inode), removed at deinit.
final class ProcfsTemporaryFile {
    let path: String
    let fd: Int32

    init(pages: Int, directory: String = NSTemporaryDirectory()) throws {
        var template = Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast())
        template += Array("pgwalk-procfs-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw Errno(rawValue: errno) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)  // keep it out of spawned children
        fd = descriptor
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        // Distinct content per page so the file has real data pages.
        for page in 0..<pages {
            let bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: page + 1), count: ProcfsTestSupport.pageSize)
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written == bytes.count else { throw Errno(rawValue: errno) }
        }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    func status() throws -> stat {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Errno(rawValue: errno) }
        return info
    }
}

/// A child process started with posix_spawn; killed and reaped at deinit.
final class ProcfsChildProcess {
    let pid: pid_t
    private(set) var reaped = false

    init(_ executable: String, _ arguments: [String]) throws {
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, nil, nil, argv, environ)
        guard result == 0 else { throw Errno(rawValue: result) }
        pid = child
    }

    /// `sleep 600`: a single-threaded child that stays in state S.
    ///
    /// Returns once the exec is complete: posix_spawn (CLONE_VFORK) returns
    /// as soon as the child releases the parent's memory, a moment before
    /// the child has its own mm, and /proc/PID files opened in that moment
    /// show the parent's memory. The new command name is set after the
    /// switch, so wait for it.
    static func sleeper() throws -> ProcfsChildProcess {
        let child = try ProcfsChildProcess("/bin/sleep", ["600"])
        for _ in 0..<5000 {
            if ProcfsTestSupport.readText("/proc/\(child.pid)/comm") == "sleep\n" { break }
            usleep(1000)
        }
        return child
    }

    /// Kills (SIGKILL) and reaps the child; its pid is then free.
    func killAndReap() {
        guard !reaped else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
    }

    /// The state letter from /proc/PID/stat, read here independently of
    /// the code under test.
    func stateLetter() -> Character? {
        guard let text = ProcfsTestSupport.readText("/proc/\(pid)/stat"),
              let close = text.lastIndex(of: ")")
        else { return nil }
        let after = text[text.index(after: close)...].drop(while: { $0 == " " })
        return after.first
    }

    /// Polls until the state letter satisfies `predicate` (or ~5 s pass).
    @discardableResult
    func waitForState(_ predicate: (Character) -> Bool) -> Character? {
        for _ in 0..<5000 {
            if let letter = stateLetter(), predicate(letter) { return letter }
            usleep(1000)
        }
        return stateLetter()
    }

    deinit { killAndReap() }
}
