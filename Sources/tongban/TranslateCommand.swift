import ArgumentParser
import Foundation
import TongbanCore
import TongbanMappings

/// `tongban translate`: one message, or a stream of them, through a partner's mapping.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate a case or status between the local format and a partner's.",
        discussion: """
        Prints the exact bytes that would be sent (a GB18030 partner's XML is GB18030: pipe it \
        through `iconv -f GB18030` to read it). With --ndjson, reads one JSON message per line \
        and writes one result per line, in order, in constant memory; refused lines are reported \
        on stderr as `line N: path: reason` and the exit code is 1.
        """
    )

    @Option(help: "The partner's mapping folder name (see `tongban mappings check`).")
    var partner: String

    @Option(help: "outbound (local → partner) or inbound (partner → local).")
    var direction: Direction = .outbound

    @Option(help: "case or status.")
    var kind: MessageKind = .case

    @Flag(help: "Read one message per line and write one result per line.")
    var ndjson = false

    @OptionGroup var folders: FolderOptions

    @Argument(help: "The input file, or - for standard input.")
    var file: String

    func run() throws {
        let catalog = try folders.loadCatalog()
        guard let mapping = catalog.partner(named: partner) else {
            throw ConfigurationProblem(message: "unknown partner '\(partner)' (known: \(catalog.partners.map(\.name).joined(separator: ", ")))")
        }
        let input: FileHandle
        if file == "-" {
            input = FileHandle.standardInput
        } else {
            guard let handle = FileHandle(forReadingAtPath: file) else { throw ConfigurationProblem(message: "\(file): cannot open the file") }
            input = handle
        }
        if ndjson {
            let refused: Int
            do {
                refused = try StreamTranslator(mapping: mapping, direction: direction, kind: kind).run(input: input.fileDescriptor)
            } catch {
                throw ConfigurationProblem(message: error.message)
            }
            if refused > 0 { throw ExitCode(1) }
            return
        }
        let bytes = Array(input.readDataToEndOfFile())
        switch mapping.translate(bytes, direction: direction, kind: kind, context: .current()) {
        case .success(let output):
            FileHandle.standardOutput.write(Data(output + [0x0A]))
        case .failure(let failure):
            throw InputRefused(lines: failure.issues.map(\.description))
        }
    }
}

extension Direction: ExpressibleByArgument {}
extension MessageKind: ExpressibleByArgument {}

extension TranslationContext {
    /// The live context: the system clock, and a random message id for mappings that use one.
    static func current() -> TranslationContext {
        TranslationContext(now: .now())
    }
}
