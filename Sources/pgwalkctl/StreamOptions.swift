import ArgumentParser
import PgwalkKit

/// How the module should write the stream, for the commands that can save
/// it (`walk --output`, `conform --output`).
struct StreamOptions: ParsableArguments {
    // On unless --no-seq: the library's default (WalkRequest.seqByDefault).
    @Flag(inversion: .prefixedNo,
          help: "Let the module send uniform runs of PTEs as PTE_SEQ records (docs/FORMAT.md 5.10); --no-seq for a stream without them.")
    var seq = WalkRequest.seqByDefault
}
