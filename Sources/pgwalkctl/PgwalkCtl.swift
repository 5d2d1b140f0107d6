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

    /// Runs the command line and exits with a documented code. Usage errors
    /// exit with 2 rather than ArgumentParser's default 64, as the tool's
    /// exit codes promise.
    static func runAndExit() -> Never {
        // A closed standard output (| head) is an EPIPE to handle, not a
        // signal that kills the process mid-walk.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
            try StandardOutputFailure.check()
            exit(withError: nil)
        } catch {
            // A command that has already said what happened and only wants
            // a status (conform's mismatch) throws a bare ExitCode.
            if let code = error as? ExitCode {
                Process.exit(code.rawValue)
            }
            if ExitStatus.classify(error) == nil && !(error is ModuleError) {
                switch exitCode(for: error) {
                case .success:
                    // --help and --version.
                    exit(withError: error)
                case .validationFailure:
                    FileStream.standardError.write(fullMessage(for: error) + "\n")
                    Process.exit(ExitStatus.usage.rawValue)
                default:
                    break
                }
            }
            let status = ExitStatus(for: error)
            FileStream.standardError.write("pgwalkctl: \(error)\n")
            Process.exit(status.rawValue)
        }
    }
}
