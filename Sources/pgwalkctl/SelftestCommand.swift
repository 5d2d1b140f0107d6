import ArgumentParser
import PgwalkKit
import PgwalkSelftest
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `pgwalkctl selftest`: runs the validation scenarios (docs/SCENARIOS.md)
/// on this machine: each scenario program sets up one kind of mapping, the
/// module walks it, the scenario's assertion is checked on the module's view
/// and `verify` must find no persistent mismatch.
struct SelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Run the validation scenarios here: PASS, FAIL or SKIP for each.",
        discussion: """
            Scenarios and their assertions: docs/SCENARIOS.md. As root, the settings a scenario \
            needs (zram swap, KSM, the 2 MiB hugetlb pool, THP mode, loop/ext4 modules) are applied \
            and put back afterwards, also on failure and on SIGINT/SIGTERM; --no-setup leaves the \
            system alone, and scenarios whose needs are unmet are skipped with the reason. \
            Exit 0 when nothing failed (skips allowed), 1 when a scenario failed, 3 when the \
            module is not loaded. JSON schema pgwalk.selftest/1: docs/JSON.md.
            """
    )

    @Option(name: .long, help: "Run only this scenario (repeatable). Default: all.")
    var scenario: [String] = []

    @Flag(help: "Print JSON (schema pgwalk.selftest/1 in docs/JSON.md); progress goes to stderr.")
    var json = false

    @Flag(inversion: .prefixedNo,
          help: "Apply (and afterwards restore) the system settings scenarios need. Default: on when root.")
    var setup: Bool?

    @Option(name: .long, help: "The pgwalk-scenario program. Default: next to this executable.")
    var scenarioBinary: String?

    @Option(name: .long, help: "Seconds a scenario may take to set itself up.")
    var timeout: Double = 120

    @Flag(name: .long, help: ArgumentHelp("Test hook: hold after the first set-up until a signal.", visibility: .private))
    var holdAfterSetup = false

    @Flag(name: .long, help: "List the scenarios and what they need, then exit.")
    var list = false

    func validate() throws {
        let unknown = scenario.filter { ScenarioCatalog.named($0) == nil }
        if !unknown.isEmpty {
            throw ValidationError("unknown scenario(s) \(unknown.joined(separator: ", ")); "
                                  + "known: \(ScenarioCatalog.names.joined(separator: " "))")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive.") }
        if setup == true && geteuid() != 0 {
            throw ValidationError("--setup changes system settings and needs root: run with sudo, or use --no-setup.")
        }
    }

    func run() throws {
        if list {
            for spec in ScenarioCatalog.all {
                let needs = spec.needs.isEmpty ? "-" : spec.needs.map(\.description).joined(separator: ", ")
                FileStream.standardOutput.write(spec.name.padding(15) + " sets up: " + needs + "\n")
            }
            return
        }
        let paths = ModulePaths.default
        guard access(paths.walk, F_OK) == 0 else {
            throw ModuleError(kind: .notLoaded, errno: nil, operation: "open")
        }
        let binary = scenarioBinary ?? Self.besideExecutable("pgwalk-scenario")
        guard access(binary, X_OK) == 0 else {
            throw ValidationError("no pgwalk-scenario program at \(binary): build it with "
                                  + "'swift build -c release --product pgwalk-scenario' or give --scenario-binary PATH.")
        }
        var options = SelftestRunner.Options(binary: binary)
        options.holdAfterSetup = holdAfterSetup
        options.scenarios = scenario.isEmpty ? ScenarioCatalog.names : scenario
        options.setup = setup ?? (geteuid() == 0)
        options.setupTimeout = timeout
        options.paths = paths

        let settings = SystemSettings()
        InterruptGuard.install(restoring: settings)
        let runner = SelftestRunner(options: options, settings: settings)
        let progress: FileStream = json ? .standardError : .standardOutput
        if !json { progress.write(SelftestReport.tableHeader) }
        let report = runner.run { result in
            progress.write(SelftestReport.tableLine(result))
        }
        if json {
            FileStream.standardOutput.write(report.json)
            FileStream.standardError.write(report.summaryLine + "\n")
        } else {
            FileStream.standardOutput.write(report.footer)
        }
        if !report.succeeded {
            // The table already says what failed: only the status is left.
            throw ExitCode(.mismatch)
        }
    }

    /// `name` in the directory of this executable (/proc/self/exe).
    static func besideExecutable(_ name: String) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return name }
        let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return name }
        return String(path[...slash]) + name
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
