import ArgumentParser
import Foundation
import Logging
import TongbanCore
import TongbanGateway

/// `tongban serve`: the gateway itself.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: the HTTP API, the partner endpoints and the delivery workers.")

    @Option(help: "The configuration file (see ops/config/).")
    var config: String = "ops/config/tongban.yaml"

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ConfigurationProblem(message: "--log-level \(logLevel) is not one of trace, debug, info, notice, warning, error, critical")
        }
        let configuration = try GatewayConfiguration.load(file: URL(fileURLWithPath: config))
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            try await GatewayServer(configuration: configuration, file: URL(fileURLWithPath: config)).run { port in
                Logger(label: "tongban").notice("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
            }
        } catch let problem as GatewayServer.StartupProblem {
            throw ConfigurationProblem(message: problem.description)
        }
    }
}
