import TongbanCore
import TongbanStorage

extension Gateway {
    /// A dead letter in a list: the transfer, its case, and the destination's last answer.
    static func deadLetterJSON(_ transfer: TransferRecord) -> JSONObject {
        var object = transferJSON(transfer)
        object.append("caseId", .string(transfer.caseID))
        return object
    }

    /// One transfer as an operator inspects it: its payload as sent (readable lines, and the
    /// SHA-256 of the exact bytes), every attempt with the destination's answer, and its message
    /// log entries (attempts, replays, closes, with who and why).
    public func transferView(id: Int64) async throws -> JSONValue? {
        try await store.read { reader -> JSONValue? in
            guard let transfer = try reader.transfer(id: id) else { return nil }
            var object = Gateway.deadLetterJSON(transfer)
            object.append("contentType", .string(transfer.contentType))
            object.append("payloadSha256", .string(MessageLogEntry.digest(transfer.payload)))
            object.append("payload", .array(PayloadDiff.lines(transfer.payload, contentType: transfer.contentType).map(JSONValue.string)))
            object.append("attempts", .array(try reader.attempts(transferID: id).map(Gateway.attemptJSON)))
            let log = try reader.messageLog(caseID: transfer.caseID).filter { $0.transferID == id }
            object.append("log", .array(log.map { entry in
                var item = JSONObject()
                item.append("seq", .int(entry.seq))
                item.append("at", .string(Gateway.timestamp(entry.at).rfc3339()))
                item.append("direction", .string(entry.direction.rawValue))
                item.append("route", entry.route.map(JSONValue.string) ?? .null)
                item.append("httpStatus", entry.httpStatus.map { .int(Int64($0)) } ?? .null)
                item.append("result", entry.result.map(JSONValue.string) ?? .null)
                item.append("actor", .string(entry.actor))
                item.append("reason", entry.reason.map(JSONValue.string) ?? .null)
                item.append("bodySha256", entry.bodyDigest.map(JSONValue.string) ?? .null)
                return .object(item)
            }))
            return .object(object)
        }
    }
}

extension Gateway {
    /// A replay's progress: who started it, why, how many of its transfers are in each state
    /// (`done` once none is waiting, held or out), and who paused it, if anyone did.
    public func replayProgress(id: Int64) async throws -> JSONValue? {
        guard let (record, states) = try await store.read({ reader in try reader.replay(id: id) }) else { return nil }
        var counts = JSONObject()
        for state in TransferState.allCases { counts.append(state.rawValue, .int(Int64(states[state] ?? 0))) }
        let pause: JSONValue = record.pause.map { pause in
            .object(JSONObject([
                ("since", .string(Gateway.timestamp(pause.at).rfc3339())), ("by", .string(pause.by)), ("reason", .string(pause.reason)),
            ]))
        } ?? .null
        return .object(JSONObject([
            ("id", .int(record.id)), ("createdAt", .string(Gateway.timestamp(record.createdAt).rfc3339())),
            ("operator", .string(record.operatorName)), ("reason", .string(record.reason)), ("mode", .string(record.mode)),
            ("total", .int(Int64(states.values.reduce(0, +)))), ("states", .object(counts)), ("done", .bool(Self.waiting(states) == 0)),
            ("paused", .bool(record.pause != nil)), ("pause", pause),
        ]))
    }
}
