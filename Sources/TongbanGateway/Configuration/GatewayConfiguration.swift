import Foundation
import TongbanCore
import TongbanStorage

/// Everything `tongban serve` needs, read from one YAML file (see `ops/config/`). Decoding is
/// strict: an unknown key, a missing one or a bad value stops the gateway with the file, line
/// and key, before anything listens.
public struct GatewayConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// From a request's first byte to its last (`listen.readTimeout`): a slower request is answered
    /// 408 and its connection closed, so slow clients cannot hold the listener's connections.
    public var readTimeout: Duration = GatewayConfiguration.defaultReadTimeout
    /// How long a connection may wait for its next request (`listen.idleTimeout`).
    public var idleTimeout: Duration = GatewayConfiguration.defaultIdleTimeout
    /// TLS on the listener, with partners' client certificates (`listen.tls`); nil: plain HTTP,
    /// with TLS and 桐柏's certificate checked by a terminator in front.
    public var tls: ListenerTLS? = nil
    /// The proxies in front of the listener (`listen.trustedProxies`), whose `X-Forwarded-For`
    /// names the caller whose failed authentication is counted; empty: the peer is the caller.
    var trustedProxies: [AddressBlock] = []
    /// When an address's failed authentications lock it (`listen.failedAuthentication`); nil:
    /// never (`failures: 0`), for a test bench whose one address fails on purpose.
    var addressLockout: FailurePolicy? = AddressLockout.defaultPolicy
    /// Holds the SQLite database (`tongban.sqlite`).
    public var dataDirectory: URL
    /// The `mappings/` folder.
    public var mappings: URL
    public var local: LocalSystem
    public var delivery: DeliveryPolicy
    public var partners: [PartnerConfiguration]
    /// How long in-flight deliveries may run after SIGTERM before the gateway exits anyway.
    public var shutdownGrace: Duration
    /// The largest request body the API reads.
    public var maxBodyBytes: Int
    /// How long the message log keeps the bodies of messages; their digests stay for good.
    public var keepMessageBodies: Duration = .seconds(30 * 86_400)
    /// Below this much free space on the data directory's filesystem the gateway refuses new
    /// work (`storage.minFreeSpace`), so deliveries can still record what they do; 0: never.
    public var minimumFreeBytes: Int64 = GatewayConfiguration.defaultMinimumFreeBytes
    /// The keys payloads, canonical cases and message bodies are sealed with at rest
    /// (`storage.encryption`); `.none` stores them in clear, and the gateway warns at start.
    public var storageKeys: StorageKeyring = .none
    /// Who may call the operations API (`/ops/v1/…`).
    public var operators: [Operator] = []
    /// The SLA clock's holiday calendar files and due-soon window; nil when not configured (the
    /// SLA figures then answer 503).
    public var sla: SLASettings?

    public struct SLASettings: Sendable {
        /// A folder of per-year holiday files (`cn-2026.tsv`, see docs/sla.md).
        public var holidays: URL
        /// An open case whose promise falls within this is due soon.
        public var dueSoon: Duration
    }

    /// A person on duty, known by the SHA-256 of their API token.
    public struct Operator: Sendable {
        public enum Role: String, Sendable, CaseIterable {
            /// Reads dead letters, transfers and the log.
            case viewer
            /// Also replays and closes dead letters.
            case `operator`
        }

        public var name: String
        public var role: Role
        /// Lower-case hex SHA-256 of the token.
        public var tokenSHA256: String
        /// Their console password (`tongban operator hash-password`); nil: no console login.
        public var passwordHash: PasswordHash? = nil
        /// Their calls to the operations API and the console together.
        public var rateLimit: RateLimit = .operatorDefault
    }

    /// The local system: where inbound cases and status reports go, and the API keys of its
    /// windows.
    public struct LocalSystem: Sendable {
        public var name: String
        /// Inbound cases are POSTed to `{endpoint}/cases`, statuses to `{endpoint}/statuses`.
        public var endpoint: String
        public var apiKeys: [APIKey]
        public var transport: TransportSettings
    }

    /// A caller's key, kept only as its SHA-256 digest.
    public struct APIKey: Sendable {
        public var name: String
        /// Lower-case hex SHA-256 of the key.
        public var sha256: String
        /// Keys sharing a name share this budget, so a rotation's overlap does not double it.
        public var rateLimit: RateLimit = .localDefault
    }

    public struct DeliveryPolicy: Sendable, Equatable {
        public var retry: RetryPolicy
        public var breaker: BreakerPolicy
        /// Concurrent deliveries per destination.
        public var workers: Int
    }

    public struct RetryPolicy: Sendable, Equatable {
        /// The first backoff; each further one doubles, up to `cap`, with full jitter.
        public var base: Duration
        public var cap: Duration
        public var maxAttempts: Int
        /// A transfer older than this becomes a dead letter instead of being retried.
        public var maxAge: Duration
    }

    public struct BreakerPolicy: Sendable, Equatable {
        /// Consecutive failures that open the breaker.
        public var failures: Int
        /// How long it stays open before a half-open probe.
        public var openFor: Duration
    }

    /// Connection settings of one outbound destination.
    public struct TransportSettings: Sendable {
        public var connectTimeout: Duration
        public var totalTimeout: Duration
        public var proxy: String?
        public var clientCertificate: String?
        public var clientKey: String?
        public var caBundle: String?
    }
}
