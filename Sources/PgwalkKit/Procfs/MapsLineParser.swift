import SystemPackage

/// Parses the text of /proc/PID/maps, byte by byte, without Foundation.
///
/// The kernel prints each line as
/// `"%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu "`, then, if the area has a
/// name, pads with spaces to a fixed column and prints the name, then `\n`.
/// So the first six fields are space separated; everything after the spaces
/// that follow the inode is the pathname, spaces included. Newlines inside a
/// file name are printed as `\012`, so a line is always one line.
enum MapsLineParser {
    static func parseAll(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [MemoryMapping] {
        var mappings: [MemoryMapping] = []
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            lineNumber += 1
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
            if !line.isEmpty {
                mappings.append(try parse(line: line, lineNumber: lineNumber))
            }
            lineStart = lineEnd + 1
        }
        return mappings
    }

    static func parse(line: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws -> MemoryMapping {
        var cursor = Cursor(bytes: line)
        func malformed() -> ProcfsError {
            ProcfsError(
                .malformedMapsLine(lineNumber: lineNumber, line: String(decoding: line, as: UTF8.self)),
                operation: "parse maps")
        }
        guard let start = cursor.hex(), cursor.expect(UInt8(ascii: "-")),
              let end = cursor.hex(), cursor.expect(UInt8(ascii: " ")),
              let permissions = cursor.permissions(), cursor.expect(UInt8(ascii: " ")),
              let offset = cursor.hex(), cursor.expect(UInt8(ascii: " ")),
              let major = cursor.hex(), cursor.expect(UInt8(ascii: ":")),
              let minor = cursor.hex(), cursor.expect(UInt8(ascii: " ")),
              let inode = cursor.decimal(),
              start <= end, major <= UInt32.max, minor <= UInt32.max
        else { throw malformed() }
        // Anonymous areas end right after the inode (plus one space); named
        // ones have padding spaces, then the name.
        guard cursor.atEnd || cursor.peek == UInt8(ascii: " ") else { throw malformed() }
        cursor.skipSpaces()
        let nameBytes = cursor.rest
        let pathname = String(decoding: nameBytes, as: UTF8.self)
        return MemoryMapping(
            start: start, end: end, permissions: permissions, offset: offset,
            device: DeviceNumber(major: UInt32(major), minor: UInt32(minor)), inode: inode,
            pathname: pathname, kind: kind(ofName: nameBytes, text: pathname))
    }

    static let deletedSuffix = Array(" (deleted)".utf8)

    static func kind(ofName name: UnsafeBufferPointer<UInt8>, text: String) -> MappingKind {
        if name.isEmpty { return .anonymous }
        if name.first == UInt8(ascii: "["), name.last == UInt8(ascii: "]") {
            switch text {
            case "[heap]": return .heap
            case "[stack]": return .stack
            case "[vdso]": return .vdso
            case "[vvar]": return .vvar
            case "[vsyscall]": return .vsyscall
            default:
                let inner = text.dropFirst().dropLast()
                if inner.hasPrefix("anon:") { return .namedAnonymous(String(inner.dropFirst(5))) }
                if inner.hasPrefix("anon_shmem:") { return .namedSharedAnonymous(String(inner.dropFirst(11))) }
                return .special(text)
            }
        }
        var raw = Array(name)
        let deleted = raw.count > deletedSuffix.count && raw.suffix(deletedSuffix.count).elementsEqual(deletedSuffix)
        if deleted { raw.removeLast(deletedSuffix.count) }
        return .file(path: filePath(unescaping: raw), deleted: deleted)
    }

    /// Undoes the kernel's `\012` escape for newlines (mangle_path with
    /// esc = "\n"). Other backslashes are printed as is.
    static func filePath(unescaping raw: [UInt8]) -> FilePath {
        let escape = Array("\\012".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "\\"), i + 4 <= raw.count, raw[i..<i + 4].elementsEqual(escape) {
                bytes.append(UInt8(ascii: "\n"))
                i += 4
            } else {
                bytes.append(raw[i])
                i += 1
            }
        }
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { FilePath(platformString: $0.baseAddress!) }
        }
    }

    /// A read position in one line.
    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8? { atEnd ? nil : bytes[index] }
        var rest: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[index...]) }

        mutating func expect(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        mutating func skipSpaces() {
            while peek == UInt8(ascii: " ") { index += 1 }
        }

        mutating func hex() -> UInt64? {
            var value: UInt64 = 0
            let first = index
            while let byte = peek {
                let digit: UInt64
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
                default: return index > first ? value : nil
                }
                guard value >> 60 == 0 else { return nil }
                value = value << 4 | digit
                index += 1
            }
            return index > first ? value : nil
        }

        mutating func decimal() -> UInt64? {
            var value: UInt64 = 0
            let first = index
            while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !o1, !o2 else { return nil }
                value = sum
                index += 1
            }
            return index > first ? value : nil
        }

        mutating func permissions() -> MappingPermissions? {
            guard index + 4 <= bytes.count else { return nil }
            var result: MappingPermissions = []
            let expected: [(UInt8, MappingPermissions)] = [
                (UInt8(ascii: "r"), .read), (UInt8(ascii: "w"), .write), (UInt8(ascii: "x"), .execute),
            ]
            for (offset, (letter, flag)) in expected.enumerated() {
                switch bytes[index + offset] {
                case letter: result.insert(flag)
                case UInt8(ascii: "-"): break
                default: return nil
                }
            }
            switch bytes[index + 3] {
            case UInt8(ascii: "s"): result.insert(.shared)
            case UInt8(ascii: "p"): break
            default: return nil
            }
            index += 4
            return result
        }
    }
}
