import Foundation
import Hummingbird
import TongbanCore
import TongbanStorage

extension GatewayRouter {
    /// `/v1/cases…`: the local windows' API. Every route here sits behind the API key check.
    func addCaseRoutes(to group: RouterGroup<Context>) {
        group.post("cases") { request, _ in
            try await self.intake(request.bytes(limit: self.maxBody), caseID: nil)
        }
        group.post("cases/:id/supplements") { request, context in
            let id = try context.parameters.require("id")
            return try await self.intake(request.bytes(limit: self.maxBody), caseID: id)
        }
        group.post("cases/:id/withdraw") { request, context in
            let id = try context.parameters.require("id")
            return self.statusReply(try await self.gateway.withdraw(caseID: id, body: request.bytes(limit: self.maxBody)), id: id)
        }
        group.post("cases/:id/status") { request, context in
            let id = try context.parameters.require("id")
            return self.statusReply(try await self.gateway.reportLocalStatus(caseID: id, body: request.bytes(limit: self.maxBody)), id: id)
        }
        group.get("cases/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let view = try await self.gateway.caseView(id: id) else {
                return Reply.problem(.notFound, title: "No such case", detail: "no case has id \(id)")
            }
            return Reply.json(view)
        }
        group.get("cases") { request, _ in
            try await self.list(request)
        }
        group.get("partners") { _, _ in
            Reply.json(try await self.gateway.destinationsView())
        }
    }

    /// The answer to a status report or a withdrawal.
    func statusReply(_ outcome: StatusOutcome, id: String) -> Response {
        switch outcome {
        case .recorded(let status, let record):
            MessageNote.current?.identify(caseID: record.id, result: status.outcome.rawValue)
            var object = JSONObject()
            object.append("id", .string(record.id))
            object.append("status", .string(record.status ?? status.status))
            object.append("outcome", .string(status.outcome.rawValue))
            if let note = status.note { object.append("note", .string(note)) }
            object.append("links", .object(JSONObject([("self", .string("/v1/cases/\(record.id)"))])))
            return Reply.json(.object(object), status: .accepted)
        case .invalid(let issues):
            return Reply.problem(.unprocessableContent, title: "Invalid request", detail: "\(issues.count) problem(s); nothing was stored", issues: issues)
        case .notFound:
            return Reply.problem(.notFound, title: "No such case", detail: "no case has id \(id)")
        case .conflict(let reason):
            return Reply.problem(.conflict, title: "Conflict", detail: reason)
        }
    }

    /// Submits a window's case. A new case's message log entry is appended in the transaction
    /// that commits it, over the answer rendered there, and exactly those bytes are sent.
    func intake(_ body: [UInt8], caseID: String?) async throws -> Response {
        let note = MessageNote.current
        let log = note.map { IntakeLog(note: $0, body: body, answer: Self.acceptedBody) }
        let (outcome, answer) = try await gateway.submit(body, caseID: caseID, log: log)
        if let note, let answer, case .accepted(let record, _) = outcome {
            note.loggedInTransaction()
            return Self.accepted(record, body: answer)
        }
        return intake(outcome)
    }

    /// The 202 body for an accepted case: what it is and where to follow it.
    @Sendable static func acceptedBody(_ record: CaseRecord) -> [UInt8] {
        var object = JSONObject()
        object.append("id", .string(record.id))
        object.append("caseNumber", .string(record.caseNumber))
        object.append("version", .int(Int64(record.version)))
        object.append("partner", .string(record.partner))
        object.append("status", .string(record.status ?? "queued"))
        object.append("links", .object(JSONObject([("self", .string("/v1/cases/\(record.id)"))])))
        return JSONValue.object(object).serialized()
    }

    /// The 202 answer with `body`, which the message log's entry (or the middleware) digests.
    static func accepted(_ record: CaseRecord, body: [UInt8]) -> Response {
        MessageNote.current?.identify(caseID: record.id, messageID: record.logMessageID)
        return Reply.bytes(body, contentType: "application/json", status: .accepted, headers: [.location: "/v1/cases/\(record.id)"])
    }

    func intake(_ outcome: IntakeOutcome) -> Response {
        switch outcome {
        case .accepted(let record, _):
            return Self.accepted(record, body: Self.acceptedBody(record))
        case .invalid(let issues):
            return Reply.problem(.unprocessableContent, title: "Invalid case", detail: "\(issues.count) problem(s); nothing was stored", issues: issues)
        case .conflict(let reason):
            return Reply.problem(.conflict, title: "Conflict", detail: reason)
        case .notFound:
            return Reply.problem(.notFound, title: "No such case")
        }
    }

    func list(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var issues: [ValidationIssue] = []
        var filter = CaseFilter()
        filter.caseNumber = query.get("caseNumber")
        filter.partner = query.get("partner")
        if let status = query.get("status") {
            if CaseStatus(rawValue: status) == nil {
                issues.append(ValidationIssue(path: "status", reason: "must be a canonical status: \(CaseStatus.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            filter.status = status
        }
        if let direction = query.get("direction") {
            filter.direction = CaseRecord.Direction(rawValue: direction)
            if filter.direction == nil { issues.append(ValidationIssue(path: "direction", reason: "must be outbound or inbound")) }
        }
        filter.createdFrom = Self.time("from", in: query, issues: &issues)
        filter.createdTo = Self.time("to", in: query, issues: &issues)
        let (limit, after) = Self.page(query, issues: &issues)
        guard issues.isEmpty else {
            return Reply.problem(.badRequest, title: "Invalid query", detail: "\(issues.count) problem(s)", issues: issues)
        }
        let page = try await gateway.listCases(filter, after: after, limit: limit)
        var object = JSONObject([("items", .array(page.items))])
        object.append("next", page.next.map { .string(Self.encodeCursor($0)) } ?? .null)
        return Reply.json(.object(object))
    }

    /// Cursors are opaque to callers: `c` and a position, base64url without padding.
    static func encodeCursor(_ seq: Int64) -> String {
        Data("c\(seq)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ cursor: String) -> Int64? {
        guard cursor.utf8.count <= 32 else { return nil }
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.utf8.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let plain = String(data: data, encoding: .utf8), plain.hasPrefix("c"),
              let seq = Int64(plain.dropFirst()), seq > 0 else { return nil }
        return seq
    }
}
