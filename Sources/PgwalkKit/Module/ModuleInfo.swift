import SystemPackage

/// The module's info file: versions, paging geometry and how it reaches
/// `walk_page_range()` and `ptrace_may_access()` (docs/FORMAT.md section 9).
public struct ModuleInfo: Sendable, Equatable {
    /// Every `key: value` line, in file order.
    public var fields: [(key: String, value: String)]

    public static func == (lhs: ModuleInfo, rhs: ModuleInfo) -> Bool {
        lhs.fields.map(\.key) == rhs.fields.map(\.key) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }

    /// The info parsed from the file's `key: value` lines.
    public init(parsing text: String) {
        self.init(parsing: Array(text.utf8))
    }

    /// The info parsed from the file's bytes: every line with a colon, key
    /// and value without the spaces around them. Bytes, not `String`
    /// slicing: every walk and verify reads this file first, and under
    /// emulation `Substring` trimming was a few percent of a small walk
    /// (docs/BENCH.md, change 14).
    init(parsing bytes: [UInt8]) {
        var fields: [(key: String, value: String)] = []
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            if let colon = bytes[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: ":")) {
                fields.append((key: Self.trimmed(bytes[lineStart..<colon]),
                               value: Self.trimmed(bytes[(colon + 1)..<lineEnd])))
            }
            lineStart = lineEnd + 1
        }
        self.fields = fields
    }

    /// `field` without leading spaces and tabs and trailing spaces, tabs
    /// and carriage returns.
    private static func trimmed(_ field: ArraySlice<UInt8>) -> String {
        var lower = field.startIndex, upper = field.endIndex
        while lower < upper, field[lower] == UInt8(ascii: " ") || field[lower] == UInt8(ascii: "\t") { lower += 1 }
        while upper > lower,
              field[upper - 1] == UInt8(ascii: " ") || field[upper - 1] == UInt8(ascii: "\t")
              || field[upper - 1] == UInt8(ascii: "\r") {
            upper -= 1
        }
        return String(decoding: field[lower..<upper], as: UTF8.self)
    }

    /// The value of `key`, nil when absent.
    public subscript(key: String) -> String? {
        fields.first { $0.key == key }?.value
    }

    /// The paging levels of the running kernel, as the module reports them.
    public var pagingLevels: Int? { self["paging_levels"].flatMap { Int($0) } }
    /// The stream format version the module writes.
    public var formatVersion: Int? { self["format_version"].flatMap { Int($0) } }
    /// The request tokens the module accepts (`request_tokens`); modules
    /// that predate the key accepted `pid start end trace`.
    public var requestTokens: Set<String> {
        Set((self["request_tokens"] ?? "pid start end trace").split(separator: " ").map(String.init))
    }

    /// How the module reaches `walk_page_range()`; nil if info lacks the key.
    public var walkPageRangePath: CallPath? { self["walk_page_range"].map(CallPath.init(infoValue:)) }
    /// How the module reaches `ptrace_may_access()`.
    public var ptraceMayAccessPath: CallPath? { self["ptrace_may_access"].map(CallPath.init(infoValue:)) }
    /// Calls of `walk_page_range()` ftrace redirected since the load (one
    /// per chunk); nil from a module without the counter.
    public var walkPageRangeRedirects: UInt64? { count("walk_page_range_redirects") }
    /// Calls of `ptrace_may_access()` ftrace redirected since the load.
    public var ptraceMayAccessRedirects: UInt64? { count("ptrace_may_access_redirects") }
    /// Times a stub's body ran because ftrace did not redirect it: each
    /// failed a walk or denied an access check. 0 unless something is wrong.
    public var stubFallthroughs: UInt64? { count("stub_fallthroughs") }

    private func count(_ key: String) -> UInt64? { self[key].flatMap { UInt64($0) } }

    /// Reads the info file of the loaded module.
    public static func read(paths: ModulePaths = .default) throws -> ModuleInfo {
        do {
            let fd = try FileDescriptor.open(FilePath(paths.info), .readOnly, options: [.closeOnExec])
            defer { try? fd.close() }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = try chunk.withUnsafeMutableBytes { try fd.read(into: $0) }
                if n == 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
            }
            return ModuleInfo(parsing: bytes)
        } catch let errno as Errno {
            throw ModuleError.from(errno, operation: "open", pid: nil)
        }
    }
}
