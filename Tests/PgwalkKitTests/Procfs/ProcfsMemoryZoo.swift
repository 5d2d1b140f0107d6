#if canImport(Glibc)
import Glibc
#endif
import PgwalkKit

/// One of each kind of memory the tests check, set up in this process:
/// private anonymous (written, untouched, read-only-touched = zero page,
/// MADV_DONTNEED'd, PROT_NONE), shared anonymous, a shared file mapping and
/// a private file mapping with one copied-on-write page.
final class ProcfsMemoryZoo {
    let file: ProcfsTemporaryFile
    let anonymous: ProcfsFencedMapping
    let sharedAnonymous: ProcfsFencedMapping
    let sharedFile: ProcfsFencedMapping
    let privateFile: ProcfsFencedMapping
    let protNone: ProcfsFencedMapping

    init() throws {
        file = try ProcfsTemporaryFile(pages: 4)
        anonymous = try ProcfsFencedMapping(pages: 16)
        for page in [0, 1, 2, 5, 9, 10] { anonymous.write(page: page) }
        anonymous.read(page: 7)
        anonymous.read(page: 12)
        madvise(anonymous.pointer(toPage: 9), 2 * ProcfsTestSupport.pageSize, MADV_DONTNEED)

        sharedAnonymous = try ProcfsFencedMapping(pages: 4, flags: MAP_SHARED | MAP_ANONYMOUS)
        sharedAnonymous.write(page: 1)
        sharedAnonymous.read(page: 3)

        sharedFile = try ProcfsFencedMapping(pages: 4, protection: PROT_READ | PROT_WRITE, flags: MAP_SHARED, fd: file.fd)
        sharedFile.write(page: 0)
        sharedFile.read(page: 2)

        privateFile = try ProcfsFencedMapping(pages: 4, flags: MAP_PRIVATE, fd: file.fd)
        privateFile.read(page: 0)
        privateFile.write(page: 3)

        protNone = try ProcfsFencedMapping(pages: 3)
        protNone.write(page: 0)
        mprotect(protNone.base, protNone.size, PROT_NONE)
    }

    /// Every region with a name for messages.
    var regions: [(name: String, range: Range<UInt64>)] {
        [("anonymous", anonymous.range), ("shared anonymous", sharedAnonymous.range),
         ("shared file", sharedFile.range), ("private file", privateFile.range), ("PROT_NONE", protNone.range)]
    }
}
