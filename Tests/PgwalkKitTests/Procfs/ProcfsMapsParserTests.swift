import PgwalkKit
import SystemPackage
import Testing

/// The maps parser on literal lines in the kernel's format (as printed by
/// show_map_vma: fields, padding to column 73 on 64-bit, then the name).
@Suite struct ProcfsMapsParserTests {
    @Test func fileMappingWithEveryField() throws {
        let line = "7f3a1c000000-7f3a1c021000 r-xp 0001a000 fd:01 1835029                    /usr/lib/x86_64-linux-gnu/libc.so.6"
        let mapping = try ProcessMaps.parseLine(line)
        #expect(mapping.start == 0x7f3a_1c00_0000)
        #expect(mapping.end == 0x7f3a_1c02_1000)
        #expect(mapping.size == 0x21000)
        #expect(mapping.permissions == [.read, .execute])
        #expect(mapping.permissions.isPrivate)
        #expect(mapping.offset == 0x1a000)
        #expect(mapping.device == DeviceNumber(major: 0xfd, minor: 0x01))
        #expect(mapping.inode == 1_835_029)
        #expect(mapping.pathname == "/usr/lib/x86_64-linux-gnu/libc.so.6")
        #expect(mapping.kind == .file(path: "/usr/lib/x86_64-linux-gnu/libc.so.6", deleted: false))
        #expect(mapping.description == line.replacingSpaceRuns())
    }

    @Test func anonymousMappingHasTrailingSpaceAndNoName() throws {
        let mapping = try ProcessMaps.parseLine("7ffd1000-7ffd3000 rw-p 00000000 00:00 0 ")
        #expect(mapping.kind == .anonymous)
        #expect(mapping.pathname == "")
        #expect(mapping.permissions == [.read, .write])
        #expect(mapping.inode == 0)
        // Also without the trailing space.
        #expect(try ProcessMaps.parseLine("7ffd1000-7ffd3000 rw-p 00000000 00:00 0").kind == .anonymous)
    }

    @Test func sharedAndNoAccessPermissions() throws {
        #expect(try ProcessMaps.parseLine("1000-2000 rwxs 00000000 00:01 5 /dev/zero (deleted)").permissions
            == [.read, .write, .execute, .shared])
        let none = try ProcessMaps.parseLine("1000-2000 ---p 00000000 00:00 0 ")
        #expect(none.permissions == [])
        #expect(none.permissions.description == "---p")
    }

    @Test func pathnamesWithSpacesAndDeletedSuffix() throws {
        let spaced = try ProcessMaps.parseLine(
            "1000-2000 rw-s 00002000 08:02 42                         /tmp/my file  with  spaces ")
        #expect(spaced.pathname == "/tmp/my file  with  spaces ")
        #expect(spaced.kind == .file(path: "/tmp/my file  with  spaces ", deleted: false))

        let deleted = try ProcessMaps.parseLine("1000-2000 rw-s 00000000 00:01 1031 /dev/zero (deleted)")
        #expect(deleted.kind == .file(path: "/dev/zero", deleted: true))
        #expect(deleted.pathname == "/dev/zero (deleted)")

        let memfd = try ProcessMaps.parseLine("1000-2000 rw-s 00000000 00:01 7 /memfd:buffer (deleted)")
        #expect(memfd.kind == .file(path: "/memfd:buffer", deleted: true))

        let spacedDeleted = try ProcessMaps.parseLine("1000-2000 r--p 00000000 08:02 9 /a b (deleted) (deleted)")
        #expect(spacedDeleted.kind == .file(path: "/a b (deleted)", deleted: true))
    }

    @Test func newlineInFileNameIsUnescaped() throws {
        let mapping = try ProcessMaps.parseLine(#"1000-2000 r--p 00000000 08:02 9 /tmp/a\012b"#)
        #expect(mapping.pathname == #"/tmp/a\012b"#)
        #expect(mapping.kind == .file(path: "/tmp/a\nb", deleted: false))
    }

    @Test func specialNames() throws {
        func kind(_ name: String) throws -> MappingKind {
            try ProcessMaps.parseLine("1000-2000 rw-p 00000000 00:00 0                          \(name)").kind
        }
        #expect(try kind("[heap]") == .heap)
        #expect(try kind("[stack]") == .stack)
        #expect(try kind("[vdso]") == .vdso)
        #expect(try kind("[vvar]") == .vvar)
        #expect(try kind("[vsyscall]") == .vsyscall)
        #expect(try kind("[vvar_vclock]") == .special("[vvar_vclock]"))
        #expect(try kind("[uprobes]") == .special("[uprobes]"))
        #expect(try kind("[anon:my arena]") == .namedAnonymous("my arena"))
        #expect(try kind("[anon_shmem:ring]") == .namedSharedAnonymous("ring"))
    }

    @Test func highAddressesAndWideDeviceNumbers() throws {
        let mapping = try ProcessMaps.parseLine(
            "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]")
        #expect(mapping.start == 0xffff_ffff_ff60_0000)
        #expect(mapping.end == 0xffff_ffff_ff60_1000)
        #expect(mapping.permissions == [.execute])
        let wide = try ProcessMaps.parseLine("1000-2000 r--p 100000000 103:1f 18446744073709551615 /x")
        #expect(wide.offset == 0x1_0000_0000)
        #expect(wide.device == DeviceNumber(major: 0x103, minor: 0x1f))
        #expect(wide.inode == UInt64.max)
    }

    @Test func malformedLinesNameTheLine() {
        let bad = [
            "", "1000 rw-p 00000000 00:00 0", "1000-2000 rw-q 00000000 00:00 0",
            "1000-2000 rwp 00000000 00:00 0", "1000-2000 rw-p 0000000g 00:00 0",
            "1000-2000 rw-p 00000000 0000 0", "1000-2000 rw-p 00000000 00:00 x",
            "2000-1000 rw-p 00000000 00:00 0", "1000-2000 rw-p 00000000 00:00 0/x",
            "10000000000000000-2 rw-p 00000000 00:00 0",
        ]
        for line in bad {
            #expect {
                try ProcessMaps.parseLine(line)
            } throws: { error in
                guard let error = error as? ProcfsError,
                      case .malformedMapsLine(1, let text) = error.reason else { return false }
                return text == line && error.errno == nil
            }
        }
    }

    @Test func wholeFileKeepsLineNumbersAndSkipsEmptyLines() throws {
        let text = """
            00400000-00401000 r--p 00000000 08:02 100 /bin/x
            00401000-00402000 r-xp 00001000 08:02 100 /bin/x

            7ffc0000-7ffc1000 rw-p 00000000 00:00 0                  [stack]

            """
        let mappings = try ProcessMaps.parse(Array(text.utf8))
        #expect(mappings.count == 3)
        #expect(mappings.map(\.offset) == [0, 0x1000, 0])
        #expect(mappings.last?.kind == .stack)

        #expect {
            try ProcessMaps.parse(Array("00400000-00401000 r--p 00000000 08:02 100 /bin/x\nbroken\n".utf8))
        } throws: { error in
            guard let error = error as? ProcfsError, case .malformedMapsLine(2, "broken") = error.reason
            else { return false }
            return true
        }
    }
}

fileprivate extension String {
    /// Collapses the kernel's column padding to one space, for comparing a
    /// line with `MemoryMapping.description`.
    func replacingSpaceRuns() -> String {
        var result = ""
        var previousSpace = false
        for character in self {
            if character == " " {
                if !previousSpace { result.append(character) }
                previousSpace = true
            } else {
                result.append(character)
                previousSpace = false
            }
        }
        return result
    }
}
