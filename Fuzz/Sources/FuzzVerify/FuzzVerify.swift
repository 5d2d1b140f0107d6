import Foundation
import PgwalkKit

/// libFuzzer's entry for verify's checks: the input is a stream, checked
/// page by page (`Verifier.check(saved:)`, the checks of one verify pass)
/// against one fixed pagemap and maps: those the recorded 6.1 4-level walk
/// of the test target implies (see `FixedSnapshot`). Mutated inputs
/// differ from it everywhere, so both the matching and the mismatch paths
/// run. Whatever the bytes, the check ends in a report or a thrown error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVerify(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // verify reads pagemap for every page of every VMA: a mutated VMA of
    // 2^47 bytes would take hours, as it would on a real target. Such
    // inputs are decoded (the rows) but not checked page by page.
    guard let pages = FixedSnapshot.pagesToCheck(bytes), pages <= FixedSnapshot.pageBudget else { return 0 }
    do {
        let report = try Verifier.check(saved: StreamDecoder(source: MemoryByteSource(bytes)),
                                        pagemap: FixedSnapshot.pagemap, maps: FixedSnapshot.maps,
                                        mismatchLimit: 64)
        if report.pagesChecked > pages {
            fatalError("fuzz-verify: \(report.pagesChecked) pages checked, the stream has \(pages)")
        }
    } catch is StreamDecodingError {
        fatalError("fuzz-verify: the rows decoded, the check's decoder failed")
    } catch {
        // A failed walk (END status != 0) or a pagemap past its end: a clear error.
    }
    return 0
}

enum FixedSnapshot {
    static let pageBudget: UInt64 = 1 << 16

    /// The recorded stream the snapshot is made from (a seed of the corpus too).
    static let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/PgwalkKitTests/Fixtures/target-4level.pgw")

    /// Pages verify would check: those of the rows and of the VMAs the
    /// module did not walk; nil when the stream does not decode.
    static func pagesToCheck(_ bytes: [UInt8]) -> UInt64? {
        do {
            var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: MemoryByteSource(bytes)))
            let header = driver.header
            let shift = UInt64(header.geometry.pageShift)
            var pages: UInt64 = 0
            var builder = MappingRowBuilder(
                pfnVisible: header.flags.contains(.pfnVisible), pageShift: header.geometry.pageShift,
                vmaStarted: { vma in
                    let lo = max(vma.start, header.start), hi = min(vma.end, header.end)
                    if vma.flags.contains(.notWalked), lo < hi { pages &+= (hi - lo) >> shift }
                },
                emit: { row in pages &+= (row.end &- row.start) >> shift })
            _ = try driver.run(ops: &builder)
            builder.finish()
            return pages
        } catch {
            return nil
        }
    }

    /// Pagemap as the fixture's walk implies it: present pages present
    /// (with their PFN when the walk shows PFNs), swap entries swapped,
    /// file-backed VMAs' pages with the file bit, the rest none.
    nonisolated(unsafe) static let pagemap: PagemapSnapshot = {
        var entries: [UInt64: UInt64] = [:]
        readFixture(vma: { _ in }) { row, vma in
            var address = row.start
            while address < row.end && entries.count < Int(pageBudget) {
                var raw: UInt64 = 0
                switch row.kind {
                case .present:
                    raw = PagemapEntry.presentBit | row.payload(at: address)
                    if vma.inode != 0 { raw |= PagemapEntry.fileOrSharedAnonymousBit }
                case .swap:
                    raw = PagemapEntry.swappedBit | UInt64(row.swapType) | row.payload(at: address) << 5
                default:
                    break
                }
                if raw != 0 { entries[address >> 12] = raw }
                address += 4096
            }
        }
        return PagemapSnapshot(entries: entries)
    }()

    /// /proc/PID/maps as the fixture's VMAs, parsed by the maps parser.
    static let maps: [MemoryMapping] = {
        var text = ""
        readFixture(vma: { vma in
            text += "\(String(vma.start, radix: 16))-\(String(vma.end, radix: 16)) r--p 00000000 00:00 \(vma.inode) \(vma.name)\n"
        }, row: { _, _ in })
        return (try? ProcessMaps.parse(Array(text.utf8))) ?? []
    }()

    private static func readFixture(vma onVMA: @escaping (VMA) -> Void, row onRow: @escaping (MappingRow, VMA) -> Void) {
        guard let data = try? Data(contentsOf: fixture) else { fatalError("fuzz-verify: cannot read \(fixture.path)") }
        do {
            var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: MemoryByteSource(Array(data))))
            let header = driver.header
            var current: VMA?
            var builder = MappingRowBuilder(
                pfnVisible: header.flags.contains(.pfnVisible), pageShift: header.geometry.pageShift,
                vmaStarted: { vma in
                    current = vma
                    onVMA(vma)
                },
                emit: { row in if let vma = current { onRow(row, vma) } })
            _ = try driver.run(ops: &builder)
            builder.finish()
        } catch {
            fatalError("fuzz-verify: the fixture does not decode: \(error)")
        }
    }
}
