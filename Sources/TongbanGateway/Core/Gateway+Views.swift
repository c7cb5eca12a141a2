import TongbanCore
import TongbanStorage

extension Gateway {
    /// A case with everything an operator or window asks about it: the current version, its
    /// status history with the partner's own codes, and every transfer with every attempt.
    public func caseView(id: String) async throws -> JSONValue? {
        try await store.read { reader -> JSONValue? in
            guard let record = try reader.caseRecord(id: id) else { return nil }
            let transfers = try reader.transfers(caseID: id)
            var view = Self.summary(record, transfers: transfers)
            if let version = try reader.version(caseID: id, version: record.version) {
                view["case"] = (try? JSONParser.parse(version.canonical)) ?? .null
            }
            view["statusHistory"] = .array(try reader.statuses(caseID: id).map(Self.statusJSON))
            view["transfers"] = .array(try transfers.map { transfer in
                var object = Self.transferJSON(transfer)
                object["attempts"] = .array(try reader.attempts(transferID: transfer.id).map(Self.attemptJSON))
                return .object(object)
            })
            return .object(view)
        }
    }

    /// The list members of a case: no payloads, no personal data.
    static func summary(_ record: CaseRecord, transfers: [TransferRecord]) -> JSONObject {
        var object = JSONObject()
        object.append("id", .string(record.id))
        object.append("direction", .string(record.direction.rawValue))
        object.append("caseNumber", .string(record.caseNumber))
        object.append("version", .int(Int64(record.version)))
        object.append("partner", .string(record.partner))
        object.append("matterCode", .string(record.matterCode))
        object.append("status", .string(record.status ?? deliveryStatus(transfers)))
        object.append("statusAt", record.statusAt.map { .string(timestamp($0).rfc3339()) } ?? .null)
        object.append("partnerCaseNumber", record.partnerCaseNumber.map(JSONValue.string) ?? .null)
        object.append("createdAt", .string(timestamp(record.createdAt).rfc3339()))
        object.append("updatedAt", .string(timestamp(record.updatedAt).rfc3339()))
        object.append("links", .object(JSONObject([("self", .string("/v1/cases/\(record.id)"))])))
        return object
    }

    /// Before the handling side reports a status, a case's status is where its first transfer
    /// stands: `queued`, `sent`, or `deliveryFailed` (a dead letter).
    static func deliveryStatus(_ transfers: [TransferRecord]) -> String {
        guard let first = transfers.first(where: { $0.kind == .case }) ?? transfers.first else { return "queued" }
        switch first.state {
        case .delivered: return "sent"
        case .dead, .closed: return "deliveryFailed"
        case .pending, .inFlight, .offered, .held: return "queued"
        }
    }

    static func statusJSON(_ record: StatusRecord) -> JSONValue {
        var object = JSONObject()
        object.append("status", .string(record.status))
        object.append("partnerCode", record.partnerCode.map(JSONValue.string) ?? .null)
        object.append("at", .string(timestamp(record.at).rfc3339()))
        object.append("receivedAt", .string(timestamp(record.receivedAt).rfc3339()))
        object.append("source", .string(record.source.rawValue))
        object.append("outcome", .string(record.outcome.rawValue))
        if let note = record.note { object.append("note", .string(note)) }
        return .object(object)
    }

    static func transferJSON(_ transfer: TransferRecord) -> JSONObject {
        var object = JSONObject()
        object.append("id", .int(transfer.id))
        object.append("destination", .string(transfer.destination))
        object.append("kind", .string(transfer.kind.rawValue))
        object.append("messageId", .string(transfer.messageID))
        object.append("state", .string(transfer.state.rawValue))
        object.append("attemptCount", .int(Int64(transfer.attempts)))
        object.append("createdAt", .string(timestamp(transfer.createdAt).rfc3339()))
        if transfer.state == .pending { object.append("nextAttemptAt", .string(timestamp(transfer.nextAttemptAt).rfc3339())) }
        if let finished = transfer.finishedAt { object.append("finishedAt", .string(timestamp(finished).rfc3339())) }
        if let error = transfer.lastError { object.append("lastError", .string(error)) }
        return object
    }

    static func attemptJSON(_ attempt: AttemptRecord) -> JSONValue {
        var object = JSONObject()
        object.append("number", .int(Int64(attempt.number)))
        object.append("at", .string(timestamp(attempt.startedAt).rfc3339()))
        object.append("durationMillis", .int(attempt.durationMillis))
        object.append("outcome", .string(attempt.outcome.rawValue))
        object.append("httpStatus", attempt.httpStatus.map { .int(Int64($0)) } ?? .null)
        object.append("partnerCode", attempt.partnerCode.map(JSONValue.string) ?? .null)
        object.append("answer", attempt.detail.map(JSONValue.string) ?? .null)
        return .object(object)
    }

    /// A page of cases, newest first, and the cursor of the next page (nil on the last).
    public func listCases(_ filter: CaseFilter, after: Int64?, limit: Int) async throws -> (items: [JSONValue], next: Int64?) {
        try await store.read { reader in
            let page = try reader.cases(matching: filter, after: after, limit: limit + 1)
            let items = try page.prefix(limit).map { record in
                JSONValue.object(Gateway.summary(record, transfers: try reader.transfers(caseID: record.id)))
            }
            return (items, page.count > limit ? page[limit - 1].seq : nil)
        }
    }
}
