import TongbanCore

/// A case of the partner's own residents, which the partner sends to the gateway (and whose
/// status it then receives or polls).
struct OwnCase: Sendable {
    enum State: String, Sendable {
        /// Not yet taken; sent again at the next round.
        case pending
        /// The gateway took it (`JG` 0/3, `code` 0/4003, `ok: true`).
        case accepted
        /// The gateway refused it permanently.
        case refused
    }

    /// The partner's number (`SBLSH`, `projid`, `case_no`).
    let caseNumber: String
    /// `BWBH` or `msg_id`; resends reuse it. Zaoyang has none (its key is `projid`).
    let messageID: String
    let payload: [UInt8]
    var state = State.pending
    var attempts = 0
    /// The gateway's number for the case, when its answer carried one.
    var gatewayCaseNumber: String?
    /// The refusal's message, when refused.
    var refusal: String?
    /// The partner's status codes for the case: each pushed status as it arrived (a resent one
    /// is listed again), each polled status when it differs from the last.
    var statuses: [String] = []

    init(caseNumber: String, messageID: String, payload: [UInt8]) {
        self.caseNumber = caseNumber; self.messageID = messageID; self.payload = payload
    }

    var json: JSONValue {
        var object = JSONObject([("caseNumber", .string(caseNumber)), ("state", .string(state.rawValue)), ("attempts", .int(Int64(attempts)))])
        if let gatewayCaseNumber { object.append("gatewayCaseNumber", .string(gatewayCaseNumber)) }
        if let refusal { object.append("refusal", .string(refusal)) }
        object.append("statuses", .array(statuses.map(JSONValue.string)))
        return .object(object)
    }
}
