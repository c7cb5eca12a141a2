import Foundation
import Logging
import ServiceLifecycle
import TongbanHTTPClient
import UnixSignals

/// Reloads the configuration file on SIGHUP and puts its secrets in force without a restart:
/// API keys, operators, hub tokens and APAS secrets (files and environment variables are read
/// again), and every partner client renews its connections so replaced certificate, key and CA
/// files are used by the next handshake; the listener's own certificate, key and client CAs, when
/// TLS is on, are used by the next connection's handshake. A file that does not load changes
/// nothing: the error is logged with its line and the running secrets stay.
struct ConfigurationReloader: Service {
    let file: URL
    let gateway: Gateway
    let clients: [CurlHTTPClient]
    /// The listener's TLS, whose certificate and client CA files are read again; nil: plain HTTP.
    var listener: TLSListener? = nil
    let logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() { reload() }
    }

    func reload() {
        let configuration: GatewayConfiguration
        do { configuration = try GatewayConfiguration.load(file: file) } catch {
            logger.error("configuration not reloaded: the running secrets stay", metadata: ["file": "\(file.path)", "error": "\(error)"])
            return
        }
        var outcome = gateway.reloadCredentials(from: configuration)
        for client in clients { client.renewConnections() }
        if let listener, let tls = configuration.tls, let running = gateway.configuration.tls, tls.samePaths(as: running) {
            outcome.changed += listener.use(tls)
        }
        logger.notice("configuration reloaded", metadata: [
            "changed": "\(outcome.changed.isEmpty ? "no secret" : outcome.changed.joined(separator: ", "))",
            "connections": "renewed",
        ])
        if !outcome.needsRestart.isEmpty {
            logger.warning("settings that only a restart applies differ from the running ones", metadata: [
                "settings": "\(outcome.needsRestart.joined(separator: ", "))",
            ])
        }
    }
}
