import Logging
import ServiceLifecycle
import TongbanStorage

/// Drops the bodies of message log entries older than the configured retention, once at start
/// and then every `interval`, a batch per write so intake never waits long behind it. Digests
/// and the chain stay, so `tongban log verify` still proves the log after a purge.
struct MessageLogPurger: Service {
    let gateway: Gateway
    let interval: Duration
    let batch: Int
    let logger: Logger

    init(gateway: Gateway, interval: Duration = .seconds(3600), batch: Int = 1000, logger: Logger) {
        self.gateway = gateway
        self.interval = interval
        self.batch = batch
        self.logger = logger
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let purged = try await purge()
                if purged > 0 { logger.info("message bodies past their retention dropped", metadata: ["entries": "\(purged)"]) }
            } catch {
                logger.error("cannot drop old message bodies", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Purges every body older than the retention; answers how many entries it went past.
    func purge() async throws -> Int {
        let cutoff = gateway.clock.nowMillis() - gateway.configuration.keepMessageBodies.milliseconds
        let batch = batch
        var total = 0
        while !Task.isShuttingDownGracefully {
            let purged = try await gateway.store.write { writer in try writer.purgeLogBodies(before: cutoff, limit: batch) }
            total += purged
            if purged < batch { break }
        }
        return total
    }
}
