import ArgumentParser
import Foundation
import Logging
import TongbanHTTPClient
import TongbanSimulator

/// `tongban simulate`: plays 桐柏, 枣阳 and the 襄十随神 hub, and 随县's local system, against a
/// running gateway, for demos and end-to-end tests. Point the gateway's partner base URLs at
/// `http://LISTEN/henan-tongbai` and `http://LISTEN/hubei-zaoyang` and its local endpoint at
/// `http://LISTEN/local` (as `ops/config/tongban.yaml` does); `/_sim/stats`, `/_sim/cases` and
/// `/_sim/control` observe and steer it at run time.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Play the three partners and the local system against a running gateway.")

    @Option(help: "Where the simulator listens, HOST:PORT.")
    var listen = "127.0.0.1:9100"

    @Option(help: "The gateway's base URL.")
    var gateway = "http://127.0.0.1:8080"

    @Option(help: "How long a case stays in each status (e.g. 500ms, 5s, 2m).")
    var step = "5s"

    @Option(help: "How often the hub pulls the gateway's feed.")
    var hubPoll = "10s"

    @Option(help: "Share of requests (0–1) failing transiently: JG=9, code 5000 or HTTP 503; for the hub, lost acknowledgements.")
    var errorRate = 0.0

    @Option(help: "Latency added to every answer (e.g. 200ms).")
    var latency = "0ms"

    @Option(help: "Share of requests (0–1) refused as permanently wrong: JG=1, code 4001, HTTP 422.")
    var permanentRate = 0.0

    @Flag(help: "Send every status message twice.")
    var duplicates = false

    @Flag(help: "Send a case's pending status messages newest first.")
    var outOfOrder = false

    @Option(help: "How many of its own residents' cases each partner sends to the gateway.")
    var inbound = 0

    @Option(help: "The mappings folder.")
    var mappings = "mappings"

    @Option(help: "The contracts folder (the partners' own cases are made from its examples).")
    var contracts = "contracts"

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ConfigurationProblem(message: "--log-level \(logLevel) is not one of trace, debug, info, notice, warning, error, critical")
        }
        var configuration = SimulatorConfiguration()
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
            throw ConfigurationProblem(message: "--listen \(listen) is not HOST:PORT")
        }
        configuration.host = String(listen[..<colon])
        configuration.port = port
        guard gateway.hasPrefix("http://") || gateway.hasPrefix("https://"), URL(string: gateway) != nil else {
            throw ConfigurationProblem(message: "--gateway \(gateway) is not an http:// or https:// URL")
        }
        configuration.gatewayURL = gateway
        configuration.stepInterval = try Self.duration(step, flag: "--step")
        configuration.hubPollInterval = try Self.duration(hubPoll, flag: "--hub-poll")
        guard configuration.stepInterval > .zero, configuration.hubPollInterval > .zero else {
            throw ConfigurationProblem(message: "--step and --hub-poll must be longer than zero")
        }
        guard (0...1).contains(errorRate), (0...1).contains(permanentRate) else {
            throw ConfigurationProblem(message: "--error-rate and --permanent-rate are shares from 0 to 1")
        }
        guard inbound >= 0 else { throw ConfigurationProblem(message: "--inbound must not be negative") }
        configuration.faults = FaultSettings(errorRate: errorRate, permanentRate: permanentRate,
                                             latency: try Self.duration(latency, flag: "--latency"),
                                             duplicates: duplicates, outOfOrder: outOfOrder)
        configuration.inboundCasesPerPartner = inbound
        configuration.contracts = URL(fileURLWithPath: contracts)

        let catalog = try MappingCatalogLoader.load(mappings)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let client: CurlHTTPClient
        do { client = try CurlHTTPClient(configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(30))) } catch {
            throw ConfigurationProblem(message: "cannot start the HTTP client: \(error)")
        }
        let simulator: Simulator
        do { simulator = try Simulator(configuration: configuration, catalog: catalog, httpClient: client, logger: Logger(label: "tongban.simulate")) } catch {
            throw ConfigurationProblem(message: error.description)
        }
        try await simulator.runUntilSignalled()
        await client.shutdown()
    }

    /// `500ms`, `5s`, `2m` or `1h`.
    static func duration(_ text: String, flag: String) throws -> Duration {
        for (suffix, millis) in [("ms", Int64(1)), ("s", 1000), ("m", 60_000), ("h", 3_600_000)] where text.hasSuffix(suffix) {
            if let value = Int64(text.dropLast(suffix.count)), value >= 0, value <= 10_000_000 { return .milliseconds(value * millis) }
        }
        throw ConfigurationProblem(message: "\(flag) \(text) is not a duration: a whole number and ms, s, m or h (e.g. 5s)")
    }
}
