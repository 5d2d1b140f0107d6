import Testing
import SystemPackage
@testable import PgwalkKit
@testable import PgwalkSelftest
#if canImport(Glibc)
import Glibc
#endif

/// The settings journal against a temporary directory standing in for
/// /sys and /proc, and a command runner that only records.
@Suite struct SelftestSettingsTests {
    /// Records commands; fails those listed in `failing`.
    final class RecordingRunner: CommandRunner, @unchecked Sendable {
        var calls: [String] = []
        var failing: Set<String> = []
        var onCall: ((String) -> Void)?
        func run(_ arguments: [String]) -> (status: Int32, output: String) {
            let line = arguments.joined(separator: " ")
            calls.append(line)
            onCall?(line)
            return failing.contains(line) ? (1, "refused") : (0, "")
        }
    }

    /// A fresh fake root with `files` (path → content).
    static func fakeRoot(_ files: [String: String]) throws -> String {
        var template = Array("/tmp/pgwalk-selftest-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw Errno(rawValue: errno) }
        let root = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        for (path, content) in files { try write(root + path, content) }
        return root
    }

    static func write(_ path: String, _ content: String) throws {
        var dir = ""
        for component in path.split(separator: "/").dropLast() {
            dir += "/" + component
            mkdir(dir, 0o755)
        }
        let fd = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .truncate],
                                         permissions: [.ownerReadWrite])
        defer { try? fd.close() }
        _ = try fd.writeAll(content.utf8)
    }

    static func remove(_ root: String) {
        _ = root.withCString { _ in system("rm -rf '\(root)'") }
    }

    static let thp = "/sys/kernel/mm/transparent_hugepage"
    static let ksm = "/sys/kernel/mm/ksm"

    @Test func changesAreUndoneInReverseOrder() throws {
        let root = try Self.fakeRoot([Self.ksm + "/run": "0\n", Self.ksm + "/pages_to_scan": "100\n"])
        defer { Self.remove(root) }
        let runner = RecordingRunner()
        let settings = SystemSettings(root: root, commands: runner)
        var order: [String] = []
        try settings.record("first") { order.append("first") }
        try settings.set(Self.ksm + "/run", to: "1")
        try settings.record("third") { order.append("third: run is \(settings.read(Self.ksm + "/run")!)") }
        try settings.set(Self.ksm + "/pages_to_scan", to: "1000")
        #expect(settings.read(Self.ksm + "/run") == "1")
        #expect(settings.read(Self.ksm + "/pages_to_scan") == "1000")
        #expect(settings.restore().isEmpty)
        // pages_to_scan back first, then "third" (run still 1), then run, then "first".
        #expect(order == ["third: run is 1", "first"])
        #expect(settings.read(Self.ksm + "/run") == "0")
        #expect(settings.read(Self.ksm + "/pages_to_scan") == "100")
    }

    @Test func restoreIsIdempotent() throws {
        let root = try Self.fakeRoot([Self.ksm + "/run": "0\n"])
        defer { Self.remove(root) }
        let settings = SystemSettings(root: root, commands: RecordingRunner())
        var undone = 0
        try settings.record("count") { undone += 1 }
        try settings.set(Self.ksm + "/run", to: "1")
        settings.restore()
        try Self.write(root + Self.ksm + "/run", "2\n") // someone else changes it afterwards
        settings.restore()
        #expect(undone == 1)
        #expect(settings.read(Self.ksm + "/run") == "2")
        #expect(settings.pending.isEmpty)
    }

    @Test func aThrownErrorMidwayStillRestoresEverything() throws {
        let root = try Self.fakeRoot([Self.thp + "/enabled": "always madvise [never]\n",
                                      Self.thp + "/defrag": "always defer defer+madvise madvise [never]\n"])
        defer { Self.remove(root) }
        let settings = SystemSettings(root: root, commands: RecordingRunner())
        struct Boom: Error {}
        func setUpThenFail() throws {
            try settings.set(Self.thp + "/enabled", to: "madvise")
            try settings.set(Self.thp + "/defrag", to: "madvise")
            throw Boom()
        }
        #expect(throws: Boom.self) {
            defer { settings.restore() }
            try setUpThenFail()
        }
        // The choice files are read back by their [selected] word.
        #expect(settings.read(Self.thp + "/enabled") == "never")
        #expect(settings.read(Self.thp + "/defrag") == "never")
    }

    @Test func aWriteThatFailsIsStillJournaled() throws {
        let root = try Self.fakeRoot([:])
        defer { Self.remove(root) }
        let settings = SystemSettings(root: root, commands: RecordingRunner())
        #expect(throws: SystemSettings.WriteFailed.self) {
            try settings.set("/proc/sys/vm/nr_hugepages", to: "8")
        }
        #expect(settings.pending.isEmpty) // it could not even be read: nothing changed
    }

    @Test func settingTheCurrentValueJournalsNothing() throws {
        let root = try Self.fakeRoot([Self.ksm + "/run": "1\n"])
        defer { Self.remove(root) }
        let settings = SystemSettings(root: root, commands: RecordingRunner())
        try settings.set(Self.ksm + "/run", to: "1")
        #expect(settings.pending.isEmpty)
    }

    @Test func aClosedJournalRefusesNewChanges() throws {
        let root = try Self.fakeRoot([Self.ksm + "/run": "0\n"])
        defer { Self.remove(root) }
        let settings = SystemSettings(root: root, commands: RecordingRunner())
        settings.restore(closing: true)
        #expect(throws: SystemSettings.Closed.self) { try settings.set(Self.ksm + "/run", to: "1") }
        #expect(settings.read(Self.ksm + "/run") == "0")
    }

    @Test func aFailedCommandIsNotUndone() throws {
        let root = try Self.fakeRoot([:])
        defer { Self.remove(root) }
        let runner = RecordingRunner()
        runner.failing = ["modprobe loop"]
        let settings = SystemSettings(root: root, commands: runner)
        #expect(throws: SystemSettings.CommandFailed.self) {
            try settings.run(["modprobe", "loop"], undo: ["rmmod", "loop"])
        }
        settings.restore()
        #expect(runner.calls == ["modprobe loop"])
    }

    @Test func zramSwapIsSetUpAndTornDownExactly() throws {
        let root = try Self.fakeRoot([
            "/proc/swaps": "Filename\tType\tSize\tUsed\tPriority\n",
            "/sys/block/zram0/disksize": "268435456\n", // in use by someone else
            "/sys/block/zram1/disksize": "0\n",
            "/sys/block/zram1/reset": "",
        ])
        defer { Self.remove(root) }
        let runner = RecordingRunner()
        let settings = SystemSettings(root: root, commands: runner)
        #expect(SystemSetup(settings: settings).apply(.swap) == nil)
        #expect(runner.calls == ["modprobe zram", "mkswap /dev/zram1", "swapon /dev/zram1"])
        #expect(settings.read("/sys/block/zram1/disksize") == ZramSwap.diskSize)
        runner.onCall = { call in
            // swapoff must come before the reset frees the device.
            if call == "swapoff /dev/zram1" { #expect(settings.read("/sys/block/zram1/reset") == "") }
        }
        #expect(settings.restore().isEmpty)
        #expect(runner.calls.suffix(2) == ["swapoff /dev/zram1", "rmmod zram"])
        #expect(settings.read("/sys/block/zram1/reset") == "1")
    }

    @Test func activeSwapIsLeftAlone() throws {
        let root = try Self.fakeRoot(["/proc/swaps": "Filename\tType\tSize\tUsed\tPriority\n/dev/sda2 partition 1000 0 -2\n"])
        defer { Self.remove(root) }
        let runner = RecordingRunner()
        let settings = SystemSettings(root: root, commands: runner)
        #expect(SystemSetup(settings: settings).apply(.swap) == nil)
        #expect(runner.calls.isEmpty && settings.pending.isEmpty)
    }

    @Test func hugetlbPoolGrowsByWhatIsMissingAndShrinksBack() throws {
        let dir = "/sys/kernel/mm/hugepages/hugepages-2048kB"
        let root = try Self.fakeRoot([dir + "/nr_hugepages": "3\n", dir + "/free_hugepages": "1\n"])
        defer { Self.remove(root) }
        let settings = SystemSettings(root: root, commands: RecordingRunner())
        #expect(SystemSetup(settings: settings).apply(.hugetlb2M(2)) == nil)
        #expect(settings.read(dir + "/nr_hugepages") == "4")
        settings.restore()
        #expect(settings.read(dir + "/nr_hugepages") == "3")
    }

    @Test func thpSetUpForTheHugeZeroPage() throws {
        let root = try Self.fakeRoot([Self.thp + "/enabled": "always madvise [never]\n",
                                      Self.thp + "/defrag": "always defer defer+madvise [madvise] never\n",
                                      Self.thp + "/use_zero_page": "0\n"])
        defer { Self.remove(root) }
        let settings = SystemSettings(root: root, commands: RecordingRunner())
        #expect(SystemSetup(settings: settings).apply(.thp(zeroPage: true)) == nil)
        #expect(settings.read(Self.thp + "/enabled") == "madvise")
        #expect(settings.read(Self.thp + "/use_zero_page") == "1")
        #expect(settings.pending.count == 2) // defrag was fine
        settings.restore()
        #expect(settings.read(Self.thp + "/enabled") == "never")
        #expect(settings.read(Self.thp + "/use_zero_page") == "0")
    }

    @Test func multiSizeTHPOfSixtyFourKiBIsEnabledAndPutBack() throws {
        let size = Self.thp + "/hugepages-64kB/enabled"
        let root = try Self.fakeRoot([Self.thp + "/enabled": "[always] madvise never\n",
                                      size: "always inherit madvise [never]\n"])
        defer { Self.remove(root) }
        let settings = SystemSettings(root: root, commands: RecordingRunner())
        #expect(SystemSetup(settings: settings).apply(.mthp64K) == nil)
        #expect(settings.read(size) == "madvise")
        #expect(settings.pending.count == 1) // the global setting was fine
        settings.restore()
        #expect(settings.read(size) == "never")
    }

    @Test func multiSizeTHPInheritingANeverGlobalIsEnabled() throws {
        let size = Self.thp + "/hugepages-64kB/enabled"
        let root = try Self.fakeRoot([Self.thp + "/enabled": "always madvise [never]\n",
                                      size: "always [inherit] madvise never\n"])
        defer { Self.remove(root) }
        let settings = SystemSettings(root: root, commands: RecordingRunner())
        #expect(SystemSetup(settings: settings).apply(.mthp64K) == nil)
        #expect(settings.read(size) == "madvise")
        settings.restore()
        #expect(settings.read(size) == "inherit")
    }

    @Test func aKernelWithoutMultiSizeTHPIsLeftAlone() throws {
        // 6.1: no hugepages-64kB directory; the scenario skips by itself.
        let root = try Self.fakeRoot([Self.thp + "/enabled": "[always] madvise never\n"])
        defer { Self.remove(root) }
        let settings = SystemSettings(root: root, commands: RecordingRunner())
        #expect(SystemSetup(settings: settings).apply(.mthp64K) == nil)
        #expect(settings.pending.isEmpty)
    }

    @Test func shmemTHPIsAdvisedAndPutBack() throws {
        let perSize = Self.thp + "/hugepages-2048kB/shmem_enabled"
        let root = try Self.fakeRoot([Self.thp + "/shmem_enabled": "always within_size advise [never] deny force\n",
                                      perSize: "always inherit within_size advise [never]\n"])
        defer { Self.remove(root) }
        let settings = SystemSettings(root: root, commands: RecordingRunner())
        #expect(SystemSetup(settings: settings).apply(.shmemTHP) == nil)
        #expect(settings.read(Self.thp + "/shmem_enabled") == "advise")
        #expect(settings.read(perSize) == "inherit")
        settings.restore()
        #expect(settings.read(Self.thp + "/shmem_enabled") == "never")
        #expect(settings.read(perSize) == "never")
    }

    @Test func shmemTHPAlreadyAllowedIsLeftAlone() throws {
        let root = try Self.fakeRoot([Self.thp + "/shmem_enabled": "[always] within_size advise never deny force\n"])
        defer { Self.remove(root) }
        let settings = SystemSettings(root: root, commands: RecordingRunner())
        #expect(SystemSetup(settings: settings).apply(.shmemTHP) == nil)
        #expect(settings.pending.isEmpty)
    }

    @Test func aSetupFailureBecomesANoteNotAThrow() throws {
        let root = try Self.fakeRoot(["/proc/swaps": "Filename\n"])
        defer { Self.remove(root) }
        let runner = RecordingRunner()
        runner.failing = ["modprobe zram"]
        let settings = SystemSettings(root: root, commands: runner)
        let note = SystemSetup(settings: settings).apply(.swap)
        #expect(note?.contains("modprobe zram") == true)
        #expect(settings.pending.isEmpty)
    }
}
