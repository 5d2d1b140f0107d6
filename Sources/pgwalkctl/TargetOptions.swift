import ArgumentParser
import PgwalkKit

/// The part of an address space a command reads: `--start` and `--end`,
/// shared by every command that walks.
struct RangeOptions: ParsableArguments {
    @Option(name: .long, help: "First address (hex with 0x, or decimal); rounded down to a page.",
            transform: Address.parse)
    var start: UInt64?

    @Option(name: .long, help: "End address, exclusive; rounded up to a page.",
            transform: Address.parse)
    var end: UInt64?

    func validate() throws {
        if let start, let end, start >= end {
            throw ValidationError("--start must be below --end.")
        }
    }

    /// The range rounded outward to whole pages, as the module wants it.
    func pageRange(pageSize: UInt64 = SystemPage.size) -> (start: UInt64?, end: UInt64?) {
        let mask = pageSize - 1
        let s = start.map { $0 & ~mask }
        let e = end.map { $0 > UInt64.max - mask ? UInt64.max & ~mask : ($0 + mask) & ~mask }
        return (s, e)
    }
}

/// A process, or every process, and a range of it: what `verify` reads.
struct TargetOptions: ParsableArguments {
    @Option(name: .long, help: "The process to read.")
    var pid: Int32?

    @Flag(name: .long, help: """
        Every user process the caller may read (not pgwalkctl itself), one after the other: \
        one line per process and a total. Kernel threads, processes that exit mid-way and \
        (not as root) those without ptrace read access are skipped and counted.
        """)
    var all = false

    @OptionGroup var range: RangeOptions

    func validate() throws {
        try PIDValidation.check(pid)
        try AllProcessesValidation.check(all: all, pid: pid)
    }

    func pageRange() -> (start: UInt64?, end: UInt64?) { range.pageRange() }
}

enum PIDValidation {
    static func check(_ pid: Int32?) throws {
        if let pid, pid <= 0 {
            throw ValidationError("--pid must be a positive process id, not \(pid).")
        }
    }
}

enum AllProcessesValidation {
    /// `--all` or `--pid`, one of the two.
    static func check(all: Bool, pid: Int32?) throws {
        if all && pid != nil {
            throw ValidationError("--all and --pid are exclusive: --all reads every process.")
        }
        if !all && pid == nil {
            throw ValidationError("Give --pid, or --all for every process.")
        }
    }
}

enum Address {
    static func parse(_ text: String) throws -> UInt64 {
        let trimmed = String(text.filter { $0 != "_" })
        let value: UInt64?
        if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") {
            value = UInt64(trimmed.dropFirst(2), radix: 16)
        } else {
            value = UInt64(trimmed)
        }
        guard let value else {
            throw ValidationError("'\(text)' is not an address: use hex with 0x (0x7f0000000000) or decimal.")
        }
        return value
    }
}
