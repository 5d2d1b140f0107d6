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
        let bytes = try ProcfsFile.readAll(target.file("smaps"), perProcess: true)
        var result: [UInt64: SmapsVMAAttributes] = [:]
        var current: SmapsVMAAttributes?
        for lineBytes in bytes.split(separator: UInt8(ascii: "\n")) {
            let line = String(decoding: lineBytes, as: UTF8.self)
            if let dash = line.firstIndex(of: "-"), let space = line.firstIndex(of: " "), dash < space,
               let start = UInt64(line[..<dash], radix: 16) {
                if let c = current { result[c.start] = c }
                current = SmapsVMAAttributes(start: start, flags: [], kernelPageSize: 4096)
                continue
            }
            if line.hasPrefix("KernelPageSize:") {
                let kb = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
                current?.kernelPageSize = (kb.flatMap { UInt64($0) } ?? 4) * 1024
            } else if line.hasPrefix("VmFlags:") {
                current?.flags = flags(line.split(separator: " ").dropFirst().map(String.init))
            }
        }
        if let c = current { result[c.start] = c }
        return result
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
