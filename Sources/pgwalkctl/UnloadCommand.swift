import ArgumentParser
import PgwalkKit

/// `pgwalkctl unload`: rmmod pgwalk, if it is loaded.
struct UnloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unload",
        abstract: "Unload the pgwalk module (rmmod pgwalk); run as root."
    )

    func run() throws {
        let message = try ModuleLoader().unload() ? "unloaded pgwalk" : "pgwalk was not loaded"
        FileStream.standardOutput.write("pgwalkctl: \(message)\n")
    }
}
