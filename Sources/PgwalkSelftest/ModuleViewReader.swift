import PgwalkKit

/// Walks a process with the module and keeps the whole decoded stream as a
/// ``ModuleView``, timed. Scenario processes are small (a few hundred
/// records), so holding the records is fine here, unlike in `walk`.
package enum ModuleViewReader {
    package static func walk(pid: Int32, start: UInt64? = nil, end: UInt64? = nil,
                            paths: ModulePaths = .default) throws -> ModuleView {
        let began = Clock.now
        let session = try WalkSession(request: WalkRequest(pid: pid, start: start, end: end, seq: true), paths: paths)
        defer { try? session.close() }
        var decoder = try session.decoder()
        var records: [StreamRecord] = []
        var endRecord: EndRecord?
        while let record = try decoder.nextRecord() {
            if case .end(let e) = record { endRecord = e } else { records.append(record) }
        }
        let seconds = Clock.now - began
        guard let endRecord else { throw VerifyError.walkEnded(status: -5, pid: pid) }
        guard endRecord.status == 0 else { throw VerifyError.walkEnded(status: endRecord.status, pid: pid) }
        return ModuleView(header: decoder.header, records: records,
                          streamBytes: endRecord.streamBytes + 40, seconds: seconds)
    }
}
