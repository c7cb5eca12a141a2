import Foundation

/// One partner's connection: which wire protocol it speaks, where it lives and the secrets of
/// both sides.
public struct PartnerConfiguration: Sendable {
    /// The wire protocols the gateway knows; each partner names one.
    public enum WireProtocol: String, Sendable, CaseIterable {
        /// 桐柏 KSTB 2.1: XML pushed both ways, `KSTBHZ` receipts.
        case kstb
        /// 枣阳 APAS v1: signed JSON pushed, statuses polled both ways.
        case apas
        /// 襄十随神 hub v1: a feed the hub pulls, batches it pushes.
        case hub
    }

    /// The folder name under `mappings/`.
    public var name: String
    public var wireProtocol: WireProtocol
    /// Where the partner's own endpoints live (`push` and `poll` partners).
    public var baseURL: String?
    public var transport: GatewayConfiguration.TransportSettings
    public var retry: GatewayConfiguration.RetryPolicy
    public var workers: Int
    /// APAS: the gateway's app id and secret, for what it sends.
    public var appID: String?
    public var appSecret: Secret?
    /// APAS: the partner's app id and secret, for what it receives.
    public var partnerAppID: String?
    public var partnerSecret: Secret?
    /// APAS: the partner's previous secret, still accepted while a rotation overlaps; remove it
    /// (and reload) once the partner signs with the new one only.
    public var previousPartnerSecret: Secret? = nil
    /// APAS: how often an open case's status is polled; at least `minimumPollInterval` (5
    /// minutes, Zaoyang's documented rule, unless a test partner allows faster polling).
    public var pollInterval: Duration
    /// APAS: at most this many requests per second to the partner.
    public var requestsPerSecond: Int
    /// Hub: SHA-256 digests of the bearer tokens the hub may present (two during a rotation).
    public var tokenDigests: [String]
    /// How many calls the partner may make to its endpoints at the gateway.
    public var rateLimit: GatewayConfiguration.RateLimit = .unlimited
    /// The subjects of the client certificates that identify the partner on the gateway's TLS
    /// listener (two during a rotation); empty: its routes need no certificate.
    public var clientSubjects: [CertificateSubject] = []
}

/// A secret read from a file or an environment variable when the gateway starts, or a demo value
/// written in the configuration itself (only the sample configuration does that, and says so).
public struct Secret: Sendable {
    public enum Source: Sendable, Equatable {
        case file(String)
        case environment(String)
        case demo
    }

    public var source: Source
    public var bytes: [UInt8]
}

extension Secret: CustomStringConvertible {
    /// Never the value: secrets must not reach logs.
    public var description: String {
        switch source {
        case .file(let path): "secret from file \(path)"
        case .environment(let name): "secret from $\(name)"
        case .demo: "demo secret"
        }
    }
}
