import ArgumentParser
import TongbanMappings

/// `tongban mappings check`: load and compile every mapping, listing every mistake.
struct MappingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mappings",
        abstract: "Work with the partner mappings.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load every mapping and report all problems (file:line: message), exit 2 if any."
        )

        @OptionGroup var folders: FolderOptions

        func run() throws {
            let catalog = try folders.loadCatalog()
            print("local: \(catalog.local.name) (\(catalog.local.division))")
            for partner in catalog.partners {
                let agreement = partner.agreement
                print("\(partner.name): \(agreement.name), regions \(agreement.divisions.joined(separator: ", ")), \(agreement.format.rawValue) \(agreement.encoding.rawValue), transport \(agreement.transport.rawValue), \(partner.matters.localCodes.count) matters, \(partner.codeLists.count) code lists")
            }
            print("ok: \(catalog.partners.count) partners")
        }
    }
}
