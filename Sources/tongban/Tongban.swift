import ArgumentParser
import Foundation
import TongbanCore
import TongbanMappings

/// `tongban`: the gateway's command line.
///
/// Exit codes are part of the interface scripts rely on: 0 ok, 1 invalid input (each problem
/// on stderr as `path: reason`), 2 configuration or usage error.
@main
struct Tongban: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tongban 通办: the cross-region interoperability gateway.",
        subcommands: [ServeCommand.self, SimulateCommand.self, TranslateCommand.self, MappingsCommand.self, ContractsCommand.self, DeadLetterCommand.self, ReplayCommand.self, PartnersCommand.self, LogCommand.self, BackupCommand.self, KeysCommand.self, SLACommand.self, OperatorCommand.self, VersionCommand.self]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let failure as InputRefused {
            for line in failure.lines { StandardError.write(line) }
            Foundation.exit(1)
        } catch let error as MappingErrors {
            for mistake in error.errors { StandardError.write(mistake.description) }
            Foundation.exit(2)
        } catch let error as MappingError {
            StandardError.write(error.description)
            Foundation.exit(2)
        } catch let error as ConfigurationProblem {
            StandardError.write(error.message)
            Foundation.exit(2)
        } catch {
            if exitCode(for: error) == .success || error is ExitCode { exit(withError: error) }
            StandardError.write(fullMessage(for: error))
            Foundation.exit(2)
        }
    }
}

/// Input that was refused; every line is `path: reason`.
struct InputRefused: Error {
    var lines: [String]
}

/// A setup mistake that is not in a mapping file (a missing folder, an unknown partner).
struct ConfigurationProblem: Error {
    var message: String
}

enum StandardError {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Where the `mappings/` and `contracts/` folders are; by default the current directory's.
struct FolderOptions: ParsableArguments {
    @Option(help: "The mappings folder.")
    var mappings: String = "mappings"

    func loadCatalog() throws -> MappingCatalog {
        try MappingCatalogLoader.load(mappings)
    }
}
