import ArgumentParser
import PgwalkKit

/// `pgwalkctl load`: the installed module loaded (modprobe), debugfs mounted,
/// the versions checked: what "module not loaded" (exit 3) tells one to run.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load the pgwalk module (modprobe pgwalk) and mount debugfs if needed; run as root.",
        discussion: """
            Loads the module installed by 'make install' or 'make dkms-install' unless it is \
            loaded already, mounts debugfs at /sys/kernel/debug where it is not, and checks that \
            the module writes the stream format this pgwalkctl reads. --module loads a .ko file \
            with insmod instead. Under kernel lockdown (Secure Boot) unsigned modules do not load \
            and the walk file cannot be opened: exit 8, with what to do.
            """
    )

    @Option(name: .customLong("module"), help: ArgumentHelp("Load this .ko file with insmod instead of modprobe.", valueName: "file"))
    var file: String?

    @Argument(help: ArgumentHelp("Module parameters, e.g. buffer_kib=64.", valueName: "param=value"))
    var parameters: [String] = []

    func run() throws {
        switch try ModuleLoader().load(file: file, parameters: parameters) {
        case .loaded(let command):
            FileStream.standardOutput.write("pgwalkctl: loaded pgwalk (\(command)); \(ModulePaths.default.directory)\n")
        case .alreadyLoaded:
            FileStream.standardOutput.write("pgwalkctl: pgwalk is already loaded; \(ModulePaths.default.directory)\n")
        }
    }
}
