import ArgumentParser
import PgwalkKit

/// The options every command that reads a process shares: which process,
/// and which part of its address space.
struct TargetOptions: ParsableArguments {
    @Option(name: .long, help: "The process to read.")
    var pid: Int32

    @Option(name: .long, help: "First address (hex with 0x, or decimal); rounded down to a page.",
            transform: Address.parse)
    var start: UInt64?

    @Option(name: .long, help: "End address, exclusive; rounded up to a page.",
            transform: Address.parse)
    var end: UInt64?

    func validate() throws {
        guard pid > 0 else {
            throw ValidationError("--pid must be a positive process id, not \(pid).")
        }
        if let start, let end, start >= end {
            throw ValidationError("--start must be below --end.")
        }
    }

    /// The range rounded outward to whole pages, as the module wants it.
    func pageRange(pageSize: UInt64 = 4096) -> (start: UInt64?, end: UInt64?) {
        let mask = pageSize - 1
        let s = start.map { $0 & ~mask }
        let e = end.map { $0 > UInt64.max - mask ? UInt64.max & ~mask : ($0 + mask) & ~mask }
        return (s, e)
    }
}

enum Address {
    static func parse(_ text: String) throws -> UInt64 {
        let trimmed = text.replacingUnderscores
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

extension String {
    fileprivate var replacingUnderscores: String {
        String(filter { $0 != "_" })
    }
}
