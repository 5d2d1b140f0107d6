#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The running kernel's base page (`sysconf(_SC_PAGESIZE)`, the module's
/// `PAGE_SIZE`): the unit requested ranges are rounded to. 4096 on x86-64.
enum SystemPage {
    static let size = UInt64(sysconf(Int32(_SC_PAGESIZE)))
}
