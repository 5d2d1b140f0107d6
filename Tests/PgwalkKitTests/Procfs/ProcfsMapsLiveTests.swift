#if canImport(Glibc)
import Glibc
#endif
import PgwalkKit
import SystemPackage
import Testing

/// The maps reader on this process's own /proc/self/maps, after mapping
/// known regions, and on pids that do not exist.
@Suite struct ProcfsMapsLiveTests {
    let pageSize = ProcfsTestSupport.pageSize

    func mapping(containing address: UInt64, in mappings: [MemoryMapping]) -> MemoryMapping? {
        mappings.first { $0.contains(address) }
    }

    @Test func findsPrivateAnonymousRegionWithItsExactBounds() throws {
        let region = try ProcfsFencedMapping(pages: 3)
        let mappings = try ProcessMaps.read(.current)
        let found = try #require(mapping(containing: region.address, in: mappings))
        // Fenced by PROT_NONE, so the VMA is exactly what we mapped.
        #expect(found.start == region.address)
        #expect(found.end == region.address + UInt64(3 * pageSize))
        #expect(found.permissions == [.read, .write])
        #expect(found.kind == .anonymous)
        #expect(found.inode == 0)
        #expect(found.device == DeviceNumber(major: 0, minor: 0))
        // The fences on both sides: PROT_NONE, private.
        let before = try #require(mapping(containing: region.address - 1, in: mappings))
        let after = try #require(mapping(containing: region.range.upperBound, in: mappings))
        #expect(before.permissions == [])
        #expect(after.permissions == [])
        // The list is sorted and non-overlapping.
        for (a, b) in zip(mappings, mappings.dropFirst()) { #expect(a.end <= b.start) }
    }

    @Test func fileMappingHasOffsetInodeAndDeviceOfTheFile() throws {
        let file = try ProcfsTemporaryFile(pages: 4)
        let info = try file.status()
        let region = try ProcfsFencedMapping(
            pages: 2, protection: PROT_READ, flags: MAP_SHARED, fd: file.fd, offset: off_t(pageSize))
        let found = try #require(mapping(containing: region.address, in: try ProcessMaps.read(.current)))
        #expect(found.start == region.address)
        #expect(found.end == region.range.upperBound)
        #expect(found.permissions == [.read, .shared])
        #expect(found.offset == UInt64(pageSize))
        #expect(found.inode == UInt64(info.st_ino))
        #expect(found.device == DeviceNumber(encoded: UInt64(info.st_dev)))
        #expect(found.kind == .file(path: FilePath(file.path), deleted: false))
    }

    @Test func deletedFileAndSharedAnonymousAreMarkedDeleted() throws {
        let file = try ProcfsTemporaryFile(pages: 1)
        let fileRegion = try ProcfsFencedMapping(pages: 1, protection: PROT_READ, flags: MAP_PRIVATE, fd: file.fd)
        unlink(file.path)
        let shared = try ProcfsFencedMapping(pages: 2, flags: MAP_SHARED | MAP_ANONYMOUS)
        let mappings = try ProcessMaps.read(.current)

        let deleted = try #require(mapping(containing: fileRegion.address, in: mappings))
        #expect(deleted.kind == .file(path: FilePath(file.path), deleted: true))
        #expect(deleted.permissions == [.read])

        let sharedFound = try #require(mapping(containing: shared.address, in: mappings))
        #expect(sharedFound.permissions == [.read, .write, .shared])
        #expect(sharedFound.kind == .file(path: "/dev/zero", deleted: true))
        #expect(sharedFound.inode != 0)
    }

    @Test func protNoneSplitsTheArea() throws {
        let region = try ProcfsFencedMapping(pages: 4)
        #expect(mprotect(region.pointer(toPage: 1), 2 * pageSize, PROT_NONE) == 0)
        let mappings = try ProcessMaps.read(.current)
        let first = try #require(mapping(containing: region.address, in: mappings))
        let protNone = try #require(mapping(containing: region.address(ofPage: 1), in: mappings))
        let last = try #require(mapping(containing: region.address(ofPage: 3), in: mappings))
        #expect(first.permissions == [.read, .write])
        #expect(first.end == region.address(ofPage: 1))
        #expect(protNone.permissions == [])
        #expect(protNone.start == region.address(ofPage: 1))
        #expect(protNone.end == region.address(ofPage: 3))
        #expect(last.permissions == [.read, .write])
        #expect(last.start == region.address(ofPage: 3))
    }

    @Test func specialAreasOfThisProcess() throws {
        let mappings = try ProcessMaps.read(.current)
        #expect(mappings.contains { $0.kind == .stack })
        #expect(mappings.contains { $0.kind == .vdso })
        // The test binary itself is mapped from a file.
        #expect(mappings.contains { $0.kind.isFile && $0.permissions.contains(.execute) })
    }

    @Test func goneProcessIsProcessGoneWithErrno() throws {
        let child = try ProcfsChildProcess.sleeper()
        let pid = child.pid
        child.killAndReap()
        #expect {
            try ProcessMaps.read(.process(pid))
        } throws: { error in
            guard let error = error as? ProcfsError else { return false }
            return error.reason == .processGone && (error.errno == .noSuchFileOrDirectory || error.errno == .noSuchProcess)
                && error.path == FilePath("/proc/\(pid)/maps")
        }
        #expect {
            try PagemapReader(.process(pid))
        } throws: { error in
            (error as? ProcfsError)?.reason == .processGone
        }
    }

    @Test func zombieHasNoMappings() throws {
        let child = try ProcfsChildProcess.sleeper()
        kill(child.pid, SIGKILL)
        child.waitForState { $0 == "Z" }
        #expect(try ProcessMaps.read(.process(child.pid)).isEmpty)
        #expect {
            try PagemapReader(.process(child.pid)).entry(at: 0x400000)
        } throws: { error in
            (error as? ProcfsError)?.reason == .processGone
        }
    }

    @Test(arguments: ["abc", "", "-1", "0", "12x", "1e3", "99999999999", " ", "+5"])
    func invalidPidText(_ text: String) {
        #expect {
            try ProcTarget(parsing: text)
        } throws: { error in
            guard let error = error as? ProcfsError, case .invalidProcessID(text) = error.reason else { return false }
            return error.errno == nil && !error.nextStep.isEmpty
        }
    }

    @Test func validPidText() throws {
        #expect(try ProcTarget(parsing: "self") == .current)
        #expect(try ProcTarget(parsing: " 42\n") == .process(42))
        #expect(try ProcTarget(parsing: "1").directory == "/proc/1")
    }

    @Test func nonexistentPidDirectoryIsProcessGone() throws {
        // pid_max is at most 2^22; this pid cannot exist.
        #expect {
            try ProcessMaps.read(.process(Int32.max))
        } throws: { error in
            (error as? ProcfsError)?.reason == .processGone && (error as? ProcfsError)?.errno == .noSuchFileOrDirectory
        }
    }

    @Test func errorDescriptionNamesPathErrnoAndNextStep() {
        // (Real EACCES/EPERM are provoked in ProcfsSignalAndPrivilegeTests.)
        let denied = ProcfsError(.permissionDenied, errno: .permissionDenied, path: "/proc/1/pagemap", operation: "open")
        #expect(denied.description.contains("open /proc/1/pagemap failed"))
        #expect(denied.description.contains("errno 13"))
        #expect(denied.nextStep.contains("root"))
    }
}
