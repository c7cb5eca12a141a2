import Foundation

/// Everything `tongban simulate` can be told. The defaults are the demo values the gateway's
/// sample configuration uses, so a simulator started without flags talks to a demo gateway.
public struct SimulatorConfiguration: Sendable {
    /// Where the simulator listens; every partner and the local system share this listener,
    /// under `/henan-tongbai`, `/hubei-zaoyang` and `/local`.
    public var host = "127.0.0.1"
    public var port = 9100
    /// The gateway's base URL; the partners call `{gatewayURL}/partners/<partner>/…`.
    public var gatewayURL = "http://127.0.0.1:8080"
    /// How long a held case stays in each status before the next one; also how often Tongbai
    /// pushes its due status notices (and resends the unacknowledged ones).
    public var stepInterval: Duration = .seconds(5)
    /// How often the hub pulls the gateway's feed while pages are not full.
    public var hubPollInterval: Duration = .seconds(10)
    /// Fault settings every simulated party starts with; `POST /_sim/control` changes them at run time.
    public var faults = FaultSettings()
    public var zaoyang = ZaoyangCredentials()
    /// The bearer token the hub presents to the gateway.
    public var hubToken = "demo-hub-token-1"
    /// How many of its own residents' cases each partner sends to the gateway at start.
    public var inboundCasesPerPartner = 0
    /// The `contracts/` folder, where the partners' own sample cases are read from.
    public var contracts = URL(fileURLWithPath: "contracts")
    /// Zaoyang's rate limit per appId.
    public var zaoyangRequestsPerSecond = 10
    /// Tongbai resends a status notice hourly for 72 hours; the simulator resends it at every
    /// step, at most this many times.
    public var statusAttemptLimit = 72
    /// How many items the hub asks the feed for at once (the interface document's 100).
    public var hubPageSize = 100

    public init() {}

    /// The simulator's own base URL: the gateway's base URLs are this plus `/henan-tongbai`
    /// and `/hubei-zaoyang`, and its local endpoint this plus `/local`.
    public var listenURL: String { "http://\(host):\(port)" }
}

/// Zaoyang's APAS credentials, one pair per direction: the gateway signs what it sends to
/// Zaoyang with the pair Zaoyang issued to it, and Zaoyang signs its own calls with its pair.
public struct ZaoyangCredentials: Sendable {
    /// The appId Zaoyang gave the gateway; the simulator verifies the gateway's requests with it.
    public var gatewayAppID = "suixian-gateway"
    public var gatewaySecret = "demo-zaoyang-secret-for-suixian"
    /// Zaoyang's own appId; the simulator signs Zaoyang's submissions and polls with it.
    public var ownAppID = "zaoyang-apas"
    public var ownSecret = "demo-suixian-secret-for-zaoyang"

    public init() {}
}
