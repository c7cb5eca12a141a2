import TongbanCore

/// The faults one simulated party injects, so tests can watch the gateway retry, back off,
/// deduplicate and reorder. Set at start from the flags and changed at run time through
/// `POST /_sim/control`.
public struct FaultSettings: Sendable, Equatable {
    /// Every route of the party answers HTTP 503; the hub, which only calls out, stops calling.
    public var down = false
    /// Share of requests (0…1) answered with a transient failure: Tongbai `JG=9` or HTTP 503,
    /// Zaoyang HTTP 503 or `code` 5000, the local system HTTP 503 (`Retry-After` on some). For
    /// the hub, the share of feed pages whose acknowledgement is lost, so the gateway hands the
    /// items out again.
    public var errorRate = 0.0
    /// Share of requests (0…1) refused as permanently wrong: Tongbai `JG=1`, Zaoyang `code`
    /// 4001, the local system HTTP 422. The hub answers nothing synchronously, so it has none.
    public var permanentRate = 0.0
    /// Added before every answer (and, for the hub, before every call).
    public var latency: Duration = .zero
    /// Every status message is sent twice, with the same message number (pushing partners:
    /// Tongbai and the hub).
    public var duplicates = false
    /// A case's pending status messages are held until two are due and then sent newest first
    /// (Tongbai and the hub). Use steps of a second or more: partners write status times to the
    /// second, and reversed steps within one second cannot be ordered by time.
    public var outOfOrder = false

    public init(down: Bool = false, errorRate: Double = 0, permanentRate: Double = 0, latency: Duration = .zero,
                duplicates: Bool = false, outOfOrder: Bool = false) {
        self.down = down; self.errorRate = errorRate; self.permanentRate = permanentRate
        self.latency = latency; self.duplicates = duplicates; self.outOfOrder = outOfOrder
    }

    /// As `/_sim/control` shows it.
    var json: JSONValue {
        .object(JSONObject([
            ("down", .bool(down)), ("errorRate", .double(errorRate)), ("permanentRate", .double(permanentRate)),
            ("latencyMs", .int(latency.milliseconds)), ("duplicates", .bool(duplicates)), ("outOfOrder", .bool(outOfOrder)),
        ]))
    }

    /// Applies the members present in a control request; absent members keep their value.
    mutating func apply(_ request: JSONValue) throws(ControlRequestError) {
        func flag(_ name: String) throws(ControlRequestError) -> Bool? {
            guard let value = request[name] else { return nil }
            guard case .bool(let flag) = value else { throw ControlRequestError("\(name) must be true or false") }
            return flag
        }
        func rate(_ name: String) throws(ControlRequestError) -> Double? {
            guard let value = request[name] else { return nil }
            guard let number = value.numberValue, (0...1).contains(number) else { throw ControlRequestError("\(name) must be a number from 0 to 1") }
            return number
        }
        var next = self
        if let value = try flag("down") { next.down = value }
        if let value = try flag("duplicates") { next.duplicates = value }
        if let value = try flag("outOfOrder") { next.outOfOrder = value }
        if let value = try rate("errorRate") { next.errorRate = value }
        if let value = try rate("permanentRate") { next.permanentRate = value }
        if let value = request["latencyMs"] {
            guard let millis = value.integerValue, (0...600_000).contains(millis) else { throw ControlRequestError("latencyMs must be an integer from 0 to 600000") }
            next.latency = .milliseconds(millis)
        }
        self = next
    }

    /// Draws whether this request fails, and how.
    func draw() -> InjectedFault? {
        var generator = SystemRandomNumberGenerator()
        if errorRate > 0, Double.random(in: 0..<1, using: &generator) < errorRate {
            return .transient(retryAfterSeconds: Bool.random(using: &generator) ? 1 : nil, inBand: Bool.random(using: &generator))
        }
        if permanentRate > 0, Double.random(in: 0..<1, using: &generator) < permanentRate { return .permanent }
        return nil
    }
}

/// A failure drawn for one request.
enum InjectedFault: Equatable {
    /// Not taken; the sender should resend. `inBand` picks the partner's own busy answer
    /// (`JG=9`, `code` 5000) over HTTP 503.
    case transient(retryAfterSeconds: Int?, inBand: Bool)
    /// Refused as malformed; the sender should not resend unchanged.
    case permanent
}

/// A `/_sim/control` request the simulator cannot apply.
struct ControlRequestError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
