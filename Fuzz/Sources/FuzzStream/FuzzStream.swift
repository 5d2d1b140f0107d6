import PgwalkKit

/// libFuzzer's entry: one input is one whole stream. It is decoded record
/// by record in reads of an odd size (so that records straddle reads), and
/// run through each consumer a saved stream meets in pgwalkctl: the rows of
/// `walk --input`, the tree of `walk --tree --input`, the replay of
/// `conform --input`. Whatever the bytes, each must end in a value or a
/// thrown error; a decoding error must name an offset inside the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStream(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let readSize = 8 + size % 89

    var decoded = false
    do {
        var decoder = try StreamDecoder(source: MemoryByteSource(bytes), readSize: readSize)
        while try decoder.nextRecord() != nil {}
        decoded = true
    } catch {
        FuzzCheck.located(error, size: size)
    }

    // walk --input: the rows.
    do {
        var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: MemoryByteSource(bytes)))
        let header = driver.header
        var rows = 0
        var builder = MappingRowBuilder(pfnVisible: header.flags.contains(.pfnVisible),
                                        pageShift: header.geometry.pageShift,
                                        vmaStarted: { _ in }, emit: { _ in rows += 1 })
        _ = try driver.run(ops: &builder)
        builder.finish()
        FuzzCheck.require(decoded, "the rows were built from a stream the decoder rejects")
    } catch {
        FuzzCheck.require(!decoded || !(error is StreamDecodingError), "rows: \(error)")
    }

    // walk --tree --input: the tables.
    do {
        var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: MemoryByteSource(bytes)))
        let header = driver.header
        var builder = PageTableTreeBuilder(geometry: header.geometry, pfnVisible: header.flags.contains(.pfnVisible))
        _ = try driver.run(ops: &builder)
        _ = builder.finish()
    } catch {
        FuzzCheck.require(!decoded || !(error is StreamDecodingError), "tree: \(error)")
    }

    // conform --input: a trace replayed through the walker model.
    if decoded {
        _ = try? ConformanceReplay.run(source: MemoryByteSource(bytes))
    }
    return 0
}

enum FuzzCheck {
    /// A decoding error names a byte offset within the input, and says so.
    static func located(_ error: Error, size: Int) {
        guard let error = error as? StreamDecodingError else {
            fatal("not a StreamDecodingError: \(error)")
        }
        require(error.offset <= UInt64(size), "offset \(error.offset) beyond the \(size) bytes: \(error)")
        require(error.description.contains("at byte \(error.offset)"), "no offset in the message: \(error)")
    }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatal(message()) }
    }

    static func fatal(_ message: String) -> Never {
        fatalError("fuzz-stream: \(message)")
    }
}
