import Foundation
import Logging
import ServiceLifecycle

/// Looks at the data directory's filesystem at start and every `interval`: records the reading in
/// the gateway's `StorageGuard` (which refuses new work below `storage.minFreeSpace`), sets
/// `tongban_data_free_bytes` and `tongban_data_size_bytes`, and logs when a shortage starts
/// (warning) and ends (notice). How it measures is injected, so tests need no full disk.
struct FreeSpaceWatch: Service {
    let gateway: Gateway
    let interval: Duration
    let measure: @Sendable () throws -> StorageGuard.Reading
    let logger: Logger

    /// Five seconds: a look is a few system calls, and even at the intake benchmark's rate the
    /// default threshold holds several intervals' worth of cases.
    init(gateway: Gateway, interval: Duration = .seconds(5), measure: (@Sendable () throws -> StorageGuard.Reading)? = nil, logger: Logger) {
        self.gateway = gateway
        self.interval = interval
        let directory = gateway.configuration.dataDirectory
        let database = gateway.configuration.databasePath
        self.measure = measure ?? { try StorageGuard.Reading.measure(directory: directory, database: database) }
        self.logger = logger
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            check()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One look at the disk. A failed look keeps the previous answer: a filesystem that cannot
    /// be measured is reported, not guessed at.
    func check() {
        let reading: StorageGuard.Reading
        do { reading = try measure() } catch {
            logger.error("cannot measure the free space of the data directory", metadata: ["error": "\(error)"])
            return
        }
        gateway.metrics.setStorage(reading, minimumFreeBytes: gateway.storageGuard.minimumFreeBytes)
        let metadata: Logger.Metadata = [
            "directory": "\(gateway.configuration.dataDirectory.path)", "freeBytes": "\(reading.freeBytes)",
            "minFreeSpace": "\(gateway.storageGuard.minimumFreeBytes)", "databaseBytes": "\(reading.databaseBytes)",
        ]
        switch gateway.storageGuard.record(reading) {
        case .started?:
            logger.warning("storage nearly full: new cases and partner messages are refused (503) until space is freed; deliveries go on", metadata: metadata)
        case .ended?:
            logger.notice("storage has room again: new cases and partner messages are accepted", metadata: metadata)
        case nil:
            break
        }
    }
}
