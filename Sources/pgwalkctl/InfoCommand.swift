import ArgumentParser
import PgwalkKit

/// `pgwalkctl info`: what the module, the kernel and pagemap offer here.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the module, the kernel, the paging geometry and pagemap's capabilities."
    )

    @Flag(help: "Print JSON (schema in docs/JSON.md).")
    var json = false

    func run() throws {
        let report = SystemReport.gather()
        FileStream.standardOutput.write(json ? report.json : report.text)
    }
}
