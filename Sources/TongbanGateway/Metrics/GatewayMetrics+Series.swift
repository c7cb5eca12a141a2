/// The series `/metrics` exposes, in one table: the registry is built from it, and the tests
/// compare it with the table in docs/operations.md ("Metrics and alerts") and with what a scrape
/// shows, so the code, the runbook and the alert rules cannot drift apart.
///
/// Labels are low-cardinality only: partner and destination names from the configuration and
/// fixed outcome, mode and reason words. Never a case number, an id or anything about a person.
extension GatewayMetrics {
    /// One documented metric family.
    public struct Series: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable { case counter, gauge, histogram }

        /// The full name, `tongban_` prefixed (counters end in `_total`, durations in `_seconds`).
        public let name: String
        public let kind: Kind
        /// Label names, in the order they are written.
        public let labels: [String]
        /// The `# HELP` text.
        public let help: String
    }

    public static let casesTotal = Series(
        name: "tongban_cases_total", kind: .counter, labels: ["partner", "outcome"],
        help: "Cases submitted by local windows, by partner and intake answer (accepted, duplicate, invalid, conflict, not_found).")
    public static let inboundCasesTotal = Series(
        name: "tongban_inbound_cases_total", kind: .counter, labels: ["partner", "outcome"],
        help: "Cases partners sent in, by partner and answer (accepted, duplicate, refused, conflict).")
    public static let transferAttemptsTotal = Series(
        name: "tongban_transfer_attempts_total", kind: .counter, labels: ["destination", "outcome"],
        help: "Delivery attempts by destination and outcome (delivered, retry, permanent).")
    public static let attemptDurationSeconds = Series(
        name: "tongban_attempt_duration_seconds", kind: .histogram, labels: ["destination"],
        help: "Time from sending a delivery attempt to its answer, by destination.")
    public static let deadLettersTotal = Series(
        name: "tongban_dead_letters_total", kind: .counter, labels: ["destination"],
        help: "Transfers that became dead letters since the gateway started, by destination.")
    public static let deadLetters = Series(
        name: "tongban_dead_letters", kind: .gauge, labels: ["destination"],
        help: "Dead letters in the store now, by destination.")
    public static let queueDepth = Series(
        name: "tongban_queue_depth", kind: .gauge, labels: ["destination"],
        help: "Transfers waiting to be sent (pending), by destination.")
    public static let queueOldestAgeSeconds = Series(
        name: "tongban_queue_oldest_age_seconds", kind: .gauge, labels: ["destination"],
        help: "Age of the oldest pending transfer, by destination; 0 when none waits.")
    public static let breakerState = Series(
        name: "tongban_breaker_state", kind: .gauge, labels: ["destination"],
        help: "Circuit breaker of each pushed destination: 0 closed, 1 half-open, 2 open.")
    public static let destinationPaused = Series(
        name: "tongban_destination_paused", kind: .gauge, labels: ["destination"],
        help: "1 while an operator has paused delivery to the destination (a maintenance window), else 0.")
    public static let replaysTotal = Series(
        name: "tongban_replays_total", kind: .counter, labels: ["destination", "mode"],
        help: "Dead letters an operator put back in the queue, by destination and mode (resend, retranslate).")
    public static let overdueCases = Series(
        name: "tongban_overdue_cases", kind: .gauge, labels: ["partner"],
        help: "Open cases past their promised completion time, by partner.")

    public static let rateLimitedTotal = Series(
        name: "tongban_rate_limited_total", kind: .counter, labels: ["kind", "name"],
        help: "Calls refused with 429 for their caller's rate limit, by kind of caller (local, partner, operator) and configured name.")
    public static let authenticationFailuresTotal = Series(
        name: "tongban_authentication_failures_total", kind: .counter, labels: ["surface", "outcome"],
        help: "Calls that failed authentication, by surface (v1, ops, console, or a partner's name) and answer: refused (401, 403, a wrong password) or locked (429: the source address, or a console name, failed too often).")

    public static let dataFreeBytes = Series(
        name: "tongban_data_free_bytes", kind: .gauge, labels: [],
        help: "Bytes the gateway may still write on the filesystem of its data directory.")
    public static let dataMinFreeBytes = Series(
        name: "tongban_data_min_free_bytes", kind: .gauge, labels: [],
        help: "storage.minFreeSpace: below this much free space new work is refused (503); 0 when off.")
    public static let dataSizeBytes = Series(
        name: "tongban_data_size_bytes", kind: .gauge, labels: [],
        help: "Size of the database file and its WAL.")

    /// Every series, in the order docs/operations.md lists them.
    public static let series: [Series] = [
        casesTotal, inboundCasesTotal, transferAttemptsTotal, attemptDurationSeconds, deadLettersTotal, deadLetters,
        queueDepth, queueOldestAgeSeconds, breakerState, destinationPaused, replaysTotal, overdueCases, rateLimitedTotal,
        authenticationFailuresTotal, dataFreeBytes, dataMinFreeBytes, dataSizeBytes,
    ]

    /// Upper bounds of `tongban_attempt_duration_seconds`: a partner answers in tens of
    /// milliseconds when well, in seconds when struggling, and the default `totalTimeout` is 30 s.
    public static let attemptDurationBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30]

    /// `partner` of a refused case whose handling region no connected agreement covers.
    public static let unknownPartner = "unknown"

    /// The answer to a local window's case (`tongban_cases_total{outcome}`).
    public enum CaseOutcome: String, Sendable, CaseIterable {
        /// A new case or version stored.
        case accepted
        /// The same body again: answered as accepted, nothing new stored.
        case duplicate
        /// Refused before storing: validation or translation problems (422).
        case invalid
        /// Number and version taken by another body, or a version out of order (409).
        case conflict
        /// A supplement for a case id that does not exist (404).
        case notFound = "not_found"
    }

    /// The answer to a partner's case (`tongban_inbound_cases_total{outcome}`).
    public enum InboundOutcome: String, Sendable, CaseIterable {
        case accepted, duplicate, refused, conflict
    }

    /// What became of one delivery attempt (`tongban_transfer_attempts_total{outcome}`), as its
    /// attempt record says: an attempt that used up the last retry is `permanent`.
    public enum AttemptOutcome: String, Sendable, CaseIterable {
        case delivered, retry, permanent
    }

    /// How a call that failed authentication was answered (`tongban_authentication_failures_total{outcome}`).
    public enum AuthenticationOutcome: String, Sendable, CaseIterable {
        /// As usual: 401, a partner's certificate refusal, the console's "wrong name or password".
        case refused
        /// 429 with `Retry-After`: its source address (or, in the console, the name) is locked.
        case locked
    }

    /// The `surface` label of `tongban_authentication_failures_total` besides partners' names:
    /// the windows' API, the operations API and the console.
    public static let authenticationSurfaces = ["v1", "ops", "console"]

    /// `tongban_breaker_state`'s value for each breaker state: ordered by how bad, so `max` over
    /// destinations and `>= 1` read naturally.
    public static func breakerValue(_ state: CircuitBreaker.State) -> Double {
        switch state {
        case .closed: 0
        case .halfOpen: 1
        case .open: 2
        }
    }
}
