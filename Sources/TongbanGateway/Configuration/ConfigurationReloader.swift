import Foundation
import Logging
import ServiceLifecycle
import TongbanHTTPClient
import UnixSignals

/// Reloads the configuration file on SIGHUP and puts its secrets in force without a restart:
/// API keys, operators, hub tokens, APAS secrets and the storage keys (files and environment
/// variables are read again), and every partner client renews its connections so replaced
/// certificate, key and CA files are used by the next handshake; the listener's own certificate,
/// key and client CAs, when TLS is on, are used by the next connection's handshake. A file that
/// does not load changes nothing: the error is logged with its line and the running secrets stay.
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
        let outcome = gateway.reloadCredentials(from: configuration)
        var changed = outcome.changed
        switch gateway.reloadStorageKeys(from: configuration) {
        case .unchanged: break
        case .changed(let what): changed.append(what)
        case .refused(let why): logger.error("storage keys not reloaded: the running keys stay", metadata: ["reason": "\(why)"])
        }
        for client in clients { client.renewConnections() }
        if let listener, let tls = configuration.tls, let running = gateway.configuration.tls, tls.samePaths(as: running) {
            changed += listener.use(tls)
        }
        logger.notice("configuration reloaded", metadata: [
            "changed": "\(changed.isEmpty ? "no secret" : changed.joined(separator: ", "))",
            "connections": "renewed",
        ])
        if !outcome.needsRestart.isEmpty {
            logger.warning("settings that only a restart applies differ from the running ones", metadata: [
                "settings": "\(outcome.needsRestart.joined(separator: ", "))",
            ])
        }
    }
}
