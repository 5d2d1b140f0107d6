import ArgumentParser
import PgwalkKit
import PgwalkRender

/// `pgwalkctl translate`: the path of addresses through the page tables,
/// one line per level, as crash's `vtop` shows it, from the kernel's own
/// walk.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Show each address's path through the page tables: every level's entry, raw and decoded.",
        discussion: """
            With --pid the module walks the one page of each address; with --input a saved stream \
            (walk --output) is searched. For each level, pgd to pte: the entry's raw value as the \
            stream carries it, its flags, the table it points to or the frame it maps, and where \
            the path ends (a hole, a huge or hugetlb leaf, a swap, migration or marker entry), \
            then the physical address of the byte. PFNs show only to CAP_SYS_ADMIN. \
            JSON schema pgwalk.translate/1: docs/JSON.md.
            """
    )

    @Option(name: .long, help: "The process whose addresses to translate.")
    var pid: Int32?

    @Option(name: .long, help: "Search a saved stream instead of asking the module.")
    var input: String?

    @Flag(help: "Print JSON (schema pgwalk.translate/1 in docs/JSON.md).")
    var json = false

    @Argument(help: ArgumentHelp("Virtual addresses (hex with 0x, or decimal).", valueName: "address"),
              transform: Address.parse)
    var addresses: [UInt64] = []

    func validate() throws {
        try PIDValidation.check(pid)
        if (pid == nil) == (input == nil) {
            throw ValidationError("Give either --pid or --input.")
        }
        if addresses.isEmpty {
            throw ValidationError("Give at least one address to translate.")
        }
    }

    func run() throws {
        var header: StreamHeader?
        var translations: [Translation] = []
        if let input {
            try CommandStream.read(.file(input)) { source in
                let found = try Self.translate(addresses, source: source)
                header = found.header
                translations = found.translations
            }
        } else {
            // One walk of the address's page each: the module streams just
            // that path, whatever the target's size.
            for address in addresses {
                let page = address & ~(SystemPage.size - 1)
                let request = WalkRequest(pid: pid!, start: page, end: page &+ SystemPage.size, seq: true)
                if page &+ SystemPage.size == 0 {
                    throw ValidationError("\(Hex.short(address)) is not a user address.")
                }
                try CommandStream.read(.module(request)) { source in
                    let found = try Self.translate([address], source: source)
                    header = header ?? found.header
                    translations += found.translations
                }
            }
        }
        let description = WalkDescription(header: header!, source: input == nil ? .kernel : .snapshot)
        let out = TextOutput()
        out.write(json ? TranslationRenderer.json(translations, description: description)
                       : TranslationRenderer.text(translations, description: description))
        out.flush()
    }

    static func translate(_ addresses: [UInt64], source: CommandStream)
        throws -> (header: StreamHeader, translations: [Translation]) {
        var driver = StreamCallbackDriver(decoder: try StreamDecoder(source: source))
        let header = driver.header
        var collector = TranslationCollector(addresses: addresses, geometry: header.geometry,
                                             pfnVisible: header.flags.contains(.pfnVisible))
        _ = try driver.run(ops: &collector)
        return (header, collector.translations)
    }
}
