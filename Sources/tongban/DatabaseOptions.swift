import ArgumentParser
import Foundation
import TongbanGateway

/// Where the embedded database is, for the commands that read it directly (`tongban log
/// verify`, `tongban backup`), with the gateway running or not.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "The gateway's configuration file (for its data directory).")
    var config: String = "ops/config/tongban.yaml"

    @Option(help: "The data directory itself, instead of reading it from --config (which needs the partners' secrets).")
    var dataDirectory: String?

    /// The database file's path; refused when there is none (a wrong directory is the likely cause).
    func databasePath() throws -> String {
        let directory = try dataDirectory.map { URL(fileURLWithPath: $0) }
            ?? GatewayConfiguration.load(file: URL(fileURLWithPath: config)).dataDirectory
        let path = directory.appendingPathComponent("tongban.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationProblem(message: "\(path): no database here (has the gateway run with this configuration?)")
        }
        return path
    }
}
