import ArgumentParser
import PgwalkKit
import PgwalkRender
import SystemPackage

/// `pgwalkctl map`: a picture of the address space, one self-contained HTML
/// file with an SVG drawing in it.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Draw the address space as an HTML page (inline SVG): VMAs by name, runs of pages coloured by what maps them.",
        discussion: """
            From 4 KiB to the top of the user address space, to scale where something is \
            mapped and compressed where it is empty. Colours: 4K pages, THP, hugetlb, swap, \
            marker, other, none. Hover for addresses and sizes. The page needs no network and \
            no script.
            """
    )

    @Option(name: .long, help: "The process to draw (not needed with --input).")
    var pid: Int32?

    @Option(name: .long, help: "Draw a saved stream (walk --output) instead of asking the module.")
    var input: String?

    @Option(name: .long, help: "Where the page tables come from for --pid: kernel or pagemap.")
    var source: WalkCommand.Source = .kernel

    @Option(name: .long, help: "The HTML file to write ('-' for standard output).")
    var output: String

    func validate() throws {
        try PIDValidation.check(pid)
        if (pid == nil) == (input == nil) {
            throw ValidationError("Give --pid, or --input with a saved stream.")
        }
        if input != nil && source == .pagemap {
            throw ValidationError("--input reads a saved stream: it does not go with --source pagemap.")
        }
    }

    func run() throws {
        let origin: WalkReading.Origin
        if let input {
            origin = .snapshot(path: input)
        } else if source == .pagemap {
            origin = .pagemap(pid: pid!, start: nil, end: nil)
        } else {
            origin = .kernel(pid: pid!, start: nil, end: nil)
        }
        let walk = try WalkReading.collect(origin)
        let html = AddressSpaceMapHTML.render(AddressSpaceMap(walk: walk))
        if output == "-" {
            let out = TextOutput()
            out.write(html)
            out.flush()
            return
        }
        let fd = try FileAccess.openForWriting(output, purpose: "to write the map")
        defer { try? fd.close() }
        _ = try fd.writeAll(html.utf8)
        if walk.status != 0 {
            FileStream.standardError.write("pgwalkctl: the walk ended early (\(LinuxErrno.name(Int64(walk.status)))): the map shows only what it saw.\n")
        }
    }
}
