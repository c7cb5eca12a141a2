import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TongbanCore
import TongbanHTTPClient
import TongbanMappings
import TongbanStorage

/// `tongban serve`: opens the store and applies migrations before anything listens, releases
/// work a previous run left in flight, then runs the HTTP server and every delivery worker and
/// poller as services of one group. SIGTERM or SIGINT stops the server first (no new intake),
/// then lets in-flight deliveries finish within the configured grace; SIGHUP reloads the
/// configuration's secrets (`ConfigurationReloader`).
public struct GatewayServer: Sendable {
    public let configuration: GatewayConfiguration
    /// Where `configuration` came from: SIGHUP reloads its secrets. Nil: no reload.
    let configurationFile: URL?
    let logger: Logger
    let clock: GatewayClock

    public init(configuration: GatewayConfiguration, file: URL? = nil, logger: Logger = Logger(label: "tongban"), clock: GatewayClock = .system) {
        self.configuration = configuration
        self.configurationFile = file
        self.logger = logger
        self.clock = clock
    }

    /// Why the gateway cannot start.
    public struct StartupProblem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs until a shutdown signal; `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let catalog: MappingCatalog
        do { catalog = try MappingCatalog.load(from: configuration.mappings) } catch {
            throw StartupProblem(description: "mappings in \(configuration.mappings.path):\n\(error)")
        }
        for partner in configuration.partners {
            guard let mapping = catalog.partner(named: partner.name) else {
                throw StartupProblem(description: "partner \(partner.name) is configured but \(configuration.mappings.path) has no folder for it")
            }
            guard mapping.agreement.transport == partner.wireProtocol.transport else {
                throw StartupProblem(description: "partner \(partner.name): protocol \(partner.wireProtocol.rawValue) needs transport \(partner.wireProtocol.transport.rawValue) in its agreement, which says \(mapping.agreement.transport.rawValue)")
            }
        }
        let store = try configuration.openStore(logger: logger)
        let applied = try await store.migrate()
        if !applied.isEmpty { logger.info("migrations applied", metadata: ["names": "\(applied.joined(separator: ", "))"]) }
        let now = clock.nowMillis()
        let released = try await store.write { writer in try writer.releaseInFlight(now: now) }
        if released > 0 { logger.notice("transfers left in flight by the previous run are queued again", metadata: ["count": "\(released)"]) }

        var calendar: HolidayCalendar?
        if let sla = configuration.sla {
            do { calendar = try HolidayCalendar(directory: sla.holidays) } catch {
                await store.close()
                throw StartupProblem(description: "sla.holidays \(sla.holidays.path): \(error)")
            }
        }
        let gateway = Gateway(configuration: configuration, catalog: catalog, store: store, clock: clock, calendar: calendar, logger: logger)
        var clients: [CurlHTTPClient] = []
        var workers: [any Service] = []
        func client(_ settings: GatewayConfiguration.TransportSettings, connections: Int) throws -> CurlHTTPClient {
            let made = try CurlHTTPClient(configuration: .init(
                connections: connections, connectTimeout: settings.connectTimeout, totalTimeout: settings.totalTimeout,
                proxy: settings.proxy, clientCertificatePath: settings.clientCertificate, clientKeyPath: settings.clientKey,
                caBundlePath: settings.caBundle))
            clients.append(made)
            return made
        }
        let delivery = configuration.delivery
        workers.append(DeliveryService(
            destination: Gateway.localDestination, gateway: gateway, channel: LocalChannel(endpoint: configuration.local.endpoint),
            client: try client(configuration.local.transport, connections: delivery.workers), workers: delivery.workers,
            retry: delivery.retry, breaker: gateway.breakers[Gateway.localDestination]!, pollInterval: nil,
            logger: logger.with("destination", Gateway.localDestination)))
        for settings in configuration.partners {
            let mapping = catalog.partner(named: settings.name)!
            let partnerLogger = logger.with("partner", settings.name)
            switch settings.wireProtocol {
            case .kstb:
                workers.append(DeliveryService(
                    destination: settings.name, gateway: gateway, channel: KSTBChannel(baseURL: settings.baseURL!),
                    client: try client(settings.transport, connections: settings.workers), workers: settings.workers,
                    retry: settings.retry, breaker: gateway.breakers[settings.name]!, pollInterval: nil, logger: partnerLogger))
            case .apas:
                let partnerClient = try client(settings.transport, connections: settings.workers)
                let pacer = RequestPacer(requestsPerSecond: settings.requestsPerSecond)
                workers.append(DeliveryService(
                    destination: settings.name, gateway: gateway,
                    channel: APASChannel(baseURL: settings.baseURL!, appID: settings.appID!, secret: { [name = settings.name] in gateway.credentials.partners[name]?.appSecret ?? [] }),
                    client: partnerClient, workers: settings.workers, retry: settings.retry,
                    breaker: gateway.breakers[settings.name]!, pollInterval: settings.pollInterval, pacer: pacer, logger: partnerLogger))
                workers.append(APASPoller(gateway: gateway, partner: mapping, settings: settings, client: partnerClient, pacer: pacer, logger: partnerLogger))
            case .hub:
                break // the hub pulls its feed; nothing is pushed to it
            }
        }

        let freeSpace = FreeSpaceWatch(gateway: gateway, logger: logger)
        freeSpace.check()  // before anything listens: started on a nearly full disk, the first request is refused
        workers.append(freeSpace)
        workers.append(MessageLogPurger(gateway: gateway, logger: logger))
        let listenerTLS = configuration.tls.map { TLSListener($0, logger: logger) }
        if let configurationFile {
            workers.append(ConfigurationReloader(file: configurationFile, gateway: gateway, clients: clients, listener: listenerTLS, logger: logger))
        }
        workers.append(SLAWatch(gateway: gateway, logger: logger))

        let app = Application(
            router: GatewayRouter(gateway: gateway).makeRouter(),
            server: TLSListener.server(readTimeout: configuration.readTimeout, idleTimeout: configuration.idleTimeout, tls: listenerTLS),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tongban"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        // Services stop in reverse order: the server first, so intake ends before delivery does.
        var groupConfiguration = ServiceGroupConfiguration(
            services: workers.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) } + [.init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger)
        // In-flight deliveries get `shutdownGrace`; what is still out then is retried at the next start.
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGrace
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch {
            for client in clients { await client.shutdown() }
            await store.close()
            throw error
        }
        for client in clients { await client.shutdown() }
        await store.close()
    }
}

extension PartnerConfiguration.WireProtocol {
    /// The agreement transport each protocol implements.
    var transport: Agreement.Transport {
        switch self {
        case .kstb: .push
        case .apas: .poll
        case .hub: .feed
        }
    }
}

extension Logger {
    func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = "\(value)"
        return copy
    }
}
