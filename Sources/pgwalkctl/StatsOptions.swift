import ArgumentParser
import PgwalkKit
import PgwalkRender

/// `--stats`, for the commands whose cost people measure (`walk`, `verify`).
struct StatsOptions: ParsableArguments {
    @Flag(help: """
        Print to standard error, as one line of key=value pairs, how long the work took \
        (process start-up excluded) and how much it covered: the stream's records and bytes \
        (walk), the pages compared (verify).
        """)
    var stats = false

    func report(_ statistics: RunStatistics) {
        guard stats else { return }
        FileStream.standardError.write(statistics.line + "\n")
    }
}
