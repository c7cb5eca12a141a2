import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TongbanCore
import TongbanHTTPClient
import TongbanMappings

/// Plays the other side of every agreement against a running gateway: 桐柏 (KSTB 2.1),
/// 枣阳 (APAS v1) and the 襄十随神 hub, each following its interface document to the letter,
/// plus 随县's local case system that the gateway delivers to.
///
/// Everything is served on one listener (`/henan-tongbai`, `/hubei-zaoyang`, `/local`, and
/// `/_sim` for control and observation); the hub, which only calls out, and the partners'
/// status pushes and own submissions run as background loops. Faults can be injected to watch
/// the gateway cope, and `/_sim/stats` and `/_sim/cases` let end-to-end tests check that each
/// case was processed exactly once. Run it in a `ServiceGroup`, or call `run()`.
public final class Simulator: Service, Sendable {
    public let configuration: SimulatorConfiguration
    let tongbai: PartnerMapping
    let zaoyang: PartnerMapping
    let hub: PartnerMapping
    /// 随县's division code, the receiver of every partner message.
    let localDivision: String
    let client: any HTTPClient
    let clock: SimulatorClock
    let logger: Logger
    let state: SimulatorState
    /// Part of the numbers of the partners' own cases and messages, so that a second run
    /// against a gateway that remembers the first never reuses one.
    let runID: String
    let stepMillis: Int64

    /// - Parameters:
    ///   - catalog: the mappings; the simulator uses the three partners' agreements, schemas
    ///     and `outbound-status` mappings, so it needs `henan-tongbai`, `hubei-zaoyang` and
    ///     `xiangshisuishen` in it.
    ///   - httpClient: how the partners call the gateway.
    ///   - clock: where time comes from; tests pass one they can move.
    public init(configuration: SimulatorConfiguration, catalog: MappingCatalog, httpClient: any HTTPClient,
                clock: SimulatorClock = .system, logger: Logger = Logger(label: "tongban.simulator")) throws(SimulatorSetupError) {
        func partner(_ party: SimulatedParty) throws(SimulatorSetupError) -> PartnerMapping {
            guard let mapping = catalog.partner(named: party.rawValue) else {
                throw SimulatorSetupError("the mappings have no partner \(party.rawValue); the simulator plays it")
            }
            return mapping
        }
        guard configuration.stepInterval > .zero, configuration.hubPollInterval > .zero else {
            throw SimulatorSetupError("the step and hub poll intervals must be longer than zero")
        }
        self.configuration = configuration
        tongbai = try partner(.tongbai)
        zaoyang = try partner(.zaoyang)
        hub = try partner(.hub)
        localDivision = catalog.local.division
        client = httpClient
        self.clock = clock
        self.logger = logger
        state = SimulatorState(faults: configuration.faults, zaoyangRequestsPerSecond: configuration.zaoyangRequestsPerSecond)
        runID = String(MessageID.random().prefix(8))
        stepMillis = max(1, configuration.stepInterval.milliseconds)
    }

    /// Every route the simulator serves.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        addTongbaiRoutes(to: router.group("henan-tongbai"))
        addZaoyangRoutes(to: router.group("hubei-zaoyang"))
        addLocalRoutes(to: router.group("local"))
        addObservationRoutes(to: router.group("_sim"))
        return router
    }

    /// Serves the routes and runs the background loops until cancelled or shut down gracefully.
    public func run() async throws {
        try await prepareOwnCases()
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tongban-simulator"),
            logger: logger)
        let step = configuration.stepInterval
        logger.info("simulator listening", metadata: ["url": "\(configuration.listenURL)", "gateway": "\(configuration.gatewayURL)"])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await app.run() }
            group.addTask { await Self.repeating(every: step) { await self.pushTongbaiStatuses() } }
            group.addTask { await Self.repeating(every: step) { await self.pushHubStatuses() } }
            group.addTask { await Self.repeating(every: step) { await self.sendOwnCases() } }
            group.addTask { await self.runHubFeed() }
        }
    }

    /// Runs the simulator in a service group of its own until SIGINT or SIGTERM, then shuts it
    /// down gracefully: what the command line does.
    public func runUntilSignalled() async throws {
        let group = ServiceGroup(configuration: .init(services: [self], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// Runs `body` every `interval` until the task is cancelled or the service group shuts
    /// down gracefully.
    static func repeating(every interval: Duration, _ body: @escaping @Sendable () async -> Void) async {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await body()
                try await Task.sleep(for: interval)
            }
        }
    }

    /// Sends one request to the gateway; nil when no HTTP answer came back.
    func call(_ request: HTTPClientRequest) async -> HTTPClientResponse? {
        do {
            return try await client.execute(request)
        } catch {
            logger.debug("call to the gateway failed", metadata: ["url": "\(request.url)", "error": "\(error)"])
            return nil
        }
    }

    /// `{gateway}/partners/<party>/<path>`.
    func gatewayURL(_ party: SimulatedParty, _ path: String) -> String {
        let base = configuration.gatewayURL.hasSuffix("/") ? String(configuration.gatewayURL.dropLast()) : configuration.gatewayURL
        return "\(base)/partners/\(party.rawValue)/\(path)"
    }
}

/// The simulator cannot start with what it was given.
public struct SimulatorSetupError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
