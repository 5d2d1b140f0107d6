import SystemPackage

/// The per-VMA facts /proc/PID/smaps adds to maps: `VmFlags` (the kernel's
/// VM_* bits by two-letter name) and `KernelPageSize` (the hugetlb page size).
/// The pagemap source needs them to build VMAs like the module's.
struct SmapsVMAAttributes {
    var start: UInt64
    var flags: VMAFlags
    var kernelPageSize: UInt64

    /// Reads /proc/PID/smaps, keyed by VMA start.
    static func read(_ target: ProcTarget) throws -> [UInt64: SmapsVMAAttributes] {
        parse(try ProcfsFile.readAll(target.file("smaps"), perProcess: true))
    }

    /// smaps' text, keyed by VMA start. Byte by byte, without a String per
    /// line: smaps has some 25 lines per VMA, and making each a String and
    /// searching it by Character cost more than the rest of a pagemap walk
    /// of a small process (docs/BENCH.md, "Where the time goes").
    static func parse(_ bytes: [UInt8]) -> [UInt64: SmapsVMAAttributes] {
        var result: [UInt64: SmapsVMAAttributes] = [:]
        var current: SmapsVMAAttributes?
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            // A VMA's first line starts with its start address in lowercase
            // hex; every other line with a capitalised key ("Rss:").
            if let start = headerStart(line) {
                if let c = current { result[c.start] = c }
                current = SmapsVMAAttributes(start: start, flags: [], kernelPageSize: 4096)
            } else if line.starts(with: kernelPageSizeKey) {
                let kb = words(line.dropFirst(kernelPageSizeKey.count)).first.flatMap { UInt64($0) }
                current?.kernelPageSize = (kb ?? 4) * 1024
            } else if line.starts(with: vmFlagsKey) {
                current?.flags = flags(words(line.dropFirst(vmFlagsKey.count)))
            }
        }
        if let c = current { result[c.start] = c }
        return result
    }

    private static let kernelPageSizeKey = Array("KernelPageSize:".utf8)
    private static let vmFlagsKey = Array("VmFlags:".utf8)

    /// The start of a VMA header line (`start-end perms ...`), nil for any
    /// other line.
    private static func headerStart(_ line: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        var digits = 0
        for byte in line {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "-"): return digits > 0 ? value : nil
            default: return nil
            }
            guard digits < 16 else { return nil }
            value = value << 4 | UInt64(digit)
            digits += 1
        }
        return nil
    }

    /// The space-separated words of a line's value.
    private static func words(_ bytes: ArraySlice<UInt8>) -> [String] {
        bytes.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `show_smap_vma_flags()` mnemonics to the portable flags.
    static func flags(_ names: [String]) -> VMAFlags {
        let table: [String: VMAFlags] = [
            "rd": .read, "wr": .write, "ex": .exec, "ms": .shared, "gd": .growsDown, "pf": .pfnMap,
            "io": .io, "lo": .locked, "ht": .hugetlb, "sd": .softDirty, "um": .uffdMissing, "uw": .uffdWP,
            "hg": .hugePage, "nh": .noHugePage, "mg": .mergeable, "mm": .mixedMap, "dd": .dontDump,
            "dp": .droppable, "sl": .sealed,
        ]
        return names.reduce(into: VMAFlags()) { $0.formUnion(table[$1] ?? []) }
    }
}
