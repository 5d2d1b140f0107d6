import ArgumentParser
import PgwalkKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `pgwalkctl`: show a process's real page tables and prove them against
/// /proc/PID/pagemap.
struct PgwalkCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pgwalkctl",
        abstract: "Show a process's real page tables and prove them against /proc/PID/pagemap.",
        discussion: """
            The page tables come from the pgwalk kernel module, which walks them with the \
            kernel's own walk_page_range(). Exit codes: \(ExitStatus.summary)
            """,
        version: PgwalkKitVersion.string,
        subcommands: [WalkCommand.self, TranslateCommand.self, VerifyCommand.self, DiffCommand.self, MapCommand.self,
                      InfoCommand.self, ConformCommand.self, SelftestCommand.self, LoadCommand.self, UnloadCommand.self]
    )

    /// Runs the command line and exits with a documented code: whatever
    /// the command throws, ``Termination`` maps to the status and message.
    static func main() -> Never {
        // A closed standard output (| head) is an EPIPE to handle, not a
        // signal that kills the process mid-walk.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
            try StandardOutputFailure.check()
            Termination.success.exit()
        } catch {
            Termination(error: error).exit()
        }
    }
}
