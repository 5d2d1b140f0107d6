import ArgumentParser

/// How the module should write the stream, for the commands that can save
/// it (`walk --output`, `conform --output`).
struct StreamOptions: ParsableArguments {
    // On by default: the same calls and values, dense 4 KiB memory in about
    // one record per run of page frames instead of 16 bytes per page.
    @Flag(inversion: .prefixedNo,
          help: "Let the module send uniform runs of PTEs as PTE_SEQ records (docs/FORMAT.md 5.10); --no-seq for a stream without them.")
    var seq = true
}
