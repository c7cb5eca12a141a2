import TongbanCore

/// Counters of one simulated party, shown by `GET /_sim/stats`. Every member is always
/// present (zero where it does not apply), so tests can read any of them for any party.
struct PartnerStats: Sendable {
    /// Requests that reached the party's routes, faulted ones included.
    var messagesReceived = 0
    /// Messages recognised as already received (same `BWBH`, `projid`, `msg_id`, or local
    /// case number and version).
    var duplicatesRecognised = 0
    /// New-case submissions processed; equals the sum of the held cases' `processed`.
    var casesProcessed = 0
    /// Supplements taken as a new version of a held case.
    var supplementsProcessed = 0
    /// Withdrawals applied.
    var withdrawalsProcessed = 0
    /// Messages refused on their content: format, schema, receiver, unknown matter or case.
    var refusals = 0
    /// Zaoyang requests refused with 401/4011.
    var signatureRefusals = 0
    /// Zaoyang requests answered 429.
    var rateLimited = 0
    /// Requests answered with an injected fault, `down` included.
    var faultsInjected = 0
    /// Zaoyang status polls answered with a status.
    var statusPolls = 0
    /// Status messages sent to the gateway, each copy and each resend counted.
    var statusesSent = 0
    /// Distinct status messages the gateway took.
    var statusesAcknowledged = 0
    /// Status messages given up (refused for good, or out of attempts).
    var statusesAbandoned = 0
    /// Hub: feed pages fetched, items in them, items failing the hub schema, acknowledgements lost on purpose.
    var feedPolls = 0
    var feedItems = 0
    var feedItemsInvalid = 0
    var acksLost = 0
    /// The partner's own cases: submissions sent (resends counted), taken, refused for good.
    var ownCasesSent = 0
    var ownCasesAccepted = 0
    var ownCasesRefused = 0
    /// Status messages received (or polled changes) about the partner's own cases.
    var ownStatusesReceived = 0
    /// Local system: case and status deliveries taken.
    var localCasesReceived = 0
    var localStatusesReceived = 0

    func json(casesHeld: Int) -> JSONValue {
        let counters: [(String, Int)] = [
            ("messagesReceived", messagesReceived), ("duplicatesRecognised", duplicatesRecognised),
            ("casesHeld", casesHeld), ("casesProcessed", casesProcessed), ("supplementsProcessed", supplementsProcessed),
            ("withdrawalsProcessed", withdrawalsProcessed), ("refusals", refusals), ("signatureRefusals", signatureRefusals),
            ("rateLimited", rateLimited), ("faultsInjected", faultsInjected), ("statusPolls", statusPolls),
            ("statusesSent", statusesSent), ("statusesAcknowledged", statusesAcknowledged), ("statusesAbandoned", statusesAbandoned),
            ("feedPolls", feedPolls), ("feedItems", feedItems), ("feedItemsInvalid", feedItemsInvalid), ("acksLost", acksLost),
            ("ownCasesSent", ownCasesSent), ("ownCasesAccepted", ownCasesAccepted), ("ownCasesRefused", ownCasesRefused),
            ("ownStatusesReceived", ownStatusesReceived),
            ("localCasesReceived", localCasesReceived), ("localStatusesReceived", localStatusesReceived),
        ]
        return .object(JSONObject(counters.map { (key: $0.0, value: JSONValue.int(Int64($0.1))) }))
    }
}
