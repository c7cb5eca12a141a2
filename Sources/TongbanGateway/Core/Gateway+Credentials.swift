import Foundation
import TongbanCore

/// What a reload of the configuration changed.
public struct CredentialReload: Sendable {
    /// The secrets that changed, by name (never a value).
    public var changed: [String]
    /// Settings that differ from the running ones but take effect only at a restart.
    public var needsRestart: [String]
}

extension Gateway {
    /// The secrets in force now. Read per request: a reload applies from the next request on.
    public var credentials: GatewayCredentials { credentialBox.withLock { $0 } }

    /// Puts the secrets of `configuration` in force (API keys, operators, hub tokens, APAS
    /// secrets) and says what changed; everything else keeps running as started, and is listed
    /// when it differs so the operator knows a restart is still due.
    @discardableResult
    public func reloadCredentials(from configuration: GatewayConfiguration) -> CredentialReload {
        let fresh = GatewayCredentials(configuration)
        let earlier = credentialBox.withLock { current in
            defer { current = fresh }
            return current
        }
        return CredentialReload(changed: fresh.changes(from: earlier), needsRestart: Self.restartOnly(self.configuration, configuration))
    }

    /// The settings a reload cannot apply, where `running` and `loaded` differ.
    static func restartOnly(_ running: GatewayConfiguration, _ loaded: GatewayConfiguration) -> [String] {
        var differ: [String] = []
        if running.host != loaded.host || running.port != loaded.port || running.readTimeout != loaded.readTimeout
            || running.idleTimeout != loaded.idleTimeout || running.trustedProxies != loaded.trustedProxies
            || running.addressLockout != loaded.addressLockout {
            differ.append("listen")
        }
        switch (running.tls, loaded.tls) {
        case (nil, nil): break
        case (let before?, let after?) where before.samePaths(as: after): break
        default: differ.append("listen.tls (turned on or off, or other file paths)")
        }
        if !samePath(running.dataDirectory, loaded.dataDirectory) { differ.append("dataDirectory") }
        if !samePath(running.mappings, loaded.mappings) { differ.append("mappings") }
        if running.local.endpoint != loaded.local.endpoint || !running.local.transport.sameFiles(as: loaded.local.transport) {
            differ.append("local.endpoint/transport")
        }
        if running.shutdownGrace != loaded.shutdownGrace { differ.append("shutdownGrace") }
        if running.maxBodyBytes != loaded.maxBodyBytes { differ.append("maxBodyBytes") }
        if running.keepMessageBodies != loaded.keepMessageBodies { differ.append("messageLog.keepBodies") }
        if running.minimumFreeBytes != loaded.minimumFreeBytes { differ.append("storage.minFreeSpace") }
        if running.delivery != loaded.delivery { differ.append("delivery") }
        if !samePath(running.sla?.holidays.path, loaded.sla?.holidays.path) || running.sla?.dueSoon != loaded.sla?.dueSoon {
            differ.append("sla")
        }
        let before = Dictionary(uniqueKeysWithValues: running.partners.map { ($0.name, $0) })
        let after = Dictionary(uniqueKeysWithValues: loaded.partners.map { ($0.name, $0) })
        for name in Set(before.keys).union(after.keys).sorted() {
            guard let old = before[name], let new = after[name] else { differ.append("partners.\(name) (added or removed)"); continue }
            if old.wireProtocol != new.wireProtocol || old.baseURL != new.baseURL || old.appID != new.appID || old.partnerAppID != new.partnerAppID
                || !old.transport.sameFiles(as: new.transport) || old.retry != new.retry || old.workers != new.workers
                || old.pollInterval != new.pollInterval
                || old.requestsPerSecond != new.requestsPerSecond {
                differ.append("partners.\(name)")
            }
        }
        return differ
    }

    /// Whether two configured paths name the same file, compared as absolute paths without `.`,
    /// `..` or a trailing slash. Not as URLs: `URL(fileURLWithPath:)` ends a directory's URL with
    /// a slash only when the directory exists as it is read, so a data directory the gateway made
    /// at its start reads back as another URL at the first reload.
    static func samePath(_ first: URL, _ second: URL) -> Bool {
        first.standardizedFileURL.path == second.standardizedFileURL.path
    }

    static func samePath(_ first: String?, _ second: String?) -> Bool {
        switch (first, second) {
        case (nil, nil): true
        case (let first?, let second?): samePath(URL(fileURLWithPath: first), URL(fileURLWithPath: second))
        default: false
        }
    }
}

extension GatewayConfiguration.TransportSettings {
    /// Same proxy and the same certificate, key and CA file paths (what a reload cannot switch;
    /// new contents at the same paths are picked up by new connections).
    func sameFiles(as other: Self) -> Bool {
        proxy == other.proxy && Gateway.samePath(clientCertificate, other.clientCertificate) && Gateway.samePath(clientKey, other.clientKey)
            && Gateway.samePath(caBundle, other.caBundle)
    }
}
