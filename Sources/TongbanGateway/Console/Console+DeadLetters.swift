import Foundation
import Hummingbird
import TongbanCore
import TongbanStorage

extension Console {
    static let pageSize = 50

    /// Dead letters, newest first, filtered by a GET form; operators can tick some and replay them.
    func deadLetters(_ request: Request, _ session: ConsoleSessions.Session) async throws -> Response {
        let query = request.uri.queryParameters
        func value(_ name: String) -> String? { query.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        var filter = DeadLetterFilter()
        filter.destination = value("destination")
        filter.matterCode = value("matter")
        filter.partnerCode = value("partnerCode")
        filter.caseNumber = value("caseNumber")
        var message: String?
        if let text = value("errorClass") {
            filter.errorClass = DeadLetterFilter.ErrorClass(rawValue: text)
            if filter.errorClass == nil { message = "Unknown error class \(text): use permanent or exhausted." }
        }
        let after = value("after").flatMap { Int64($0) }
        let found = try await gateway.deadLetters(filter, after: after, limit: Self.pageSize)
        let items: [[String: Any]] = found.items.map { transfer in
            var row: [String: Any] = ["id": String(transfer.id), "caseId": transfer.caseID, "destination": transfer.destination,
                                      "kind": transfer.kind.rawValue, "attempts": String(transfer.attempts)]
            row["finishedAt"] = transfer.finishedAt.map(Self.time)
            row["lastError"] = transfer.lastError
            return row
        }
        var values: [String: Any] = [
            "items": items, "hasItems": !items.isEmpty,
            "filter": ["matter": filter.matterCode ?? "", "partnerCode": filter.partnerCode ?? "", "caseNumber": filter.caseNumber ?? ""],
            "destinationOptions": (gateway.configuration.partners.map(\.name) + [Gateway.localDestination]).map { (name: String) -> [String: Any] in
                ["value": name, "selected": name == filter.destination]
            },
            "errorOptions": DeadLetterFilter.ErrorClass.allCases.map { ["value": $0.rawValue, "selected": $0 == filter.errorClass] as [String: Any] },
        ]
        values["message"] = message
        if let next = found.next {
            var components = URLComponents()
            components.queryItems = query.compactMap { $0.key == "after" ? nil : URLQueryItem(name: String($0.key), value: String($0.value)) }
                + [URLQueryItem(name: "after", value: String(next))]
            values["next"] = "/console/dead-letters?" + (components.percentEncodedQuery ?? "")
        }
        return page("dead-letters", title: "Dead letters", session: session, values)
    }

    /// One transfer: state, payload lines, attempts and its message log entries; for an
    /// operator and a dead letter, the replay and close forms.
    func transfer(_ id: Int64?, _ session: ConsoleSessions.Session) async throws -> Response {
        guard let id, let view = try await gateway.transferView(id: id) else {
            return refusal(session, .notFound, "No such transfer.")
        }
        return page("transfer", title: "Transfer \(id)", session: session, [
            "transfer": Self.mustache(view),
            "canReplay": session.role == .operator && view["state"]?.stringValue == TransferState.dead.rawValue,
        ])
    }

    func close(_ id: Int64?, _ request: Request) async throws -> Response {
        switch try await admit(request, needsOperator: true) {
        case .refused(let response): return response
        case .admitted(let session, let form):
            guard let id else { return refusal(session, .notFound, "No such transfer.") }
            let reason: String
            switch OperatorReason.check(form["reason"]) {
            case .success(let text): reason = text
            case .failure(let problem): return refusal(session, .unprocessableContent, "The reason: \(problem.message). Nothing was changed.")
            }
            switch try await gateway.closeDeadLetter(id: id, operator: session.name, reason: reason) {
            case .closed: return redirect("/console/transfers/\(id)")
            case .notFound: return refusal(session, .notFound, "No such transfer.")
            case .notDead(let state): return refusal(session, .conflict, "Transfer \(id) is \(state.rawValue), not a dead letter.")
            }
        }
    }

    /// The replay form for the transfers ticked (`id`, repeated); it offers a dry run only.
    func replayForm(_ request: Request, _ session: ConsoleSessions.Session) -> Response {
        guard session.role == .operator else {
            return refusal(session, .forbidden, "\(session.name) is a viewer: replays need the operator role.")
        }
        let ids = request.uri.queryParameters.getAll("id").compactMap { Int64($0) }
        guard !ids.isEmpty else { return refusal(session, .unprocessableContent, "Tick at least one dead letter to replay.") }
        return page("replay", title: "Replay", session: session, ["ids": ids.map { String($0) }, "retranslate": true])
    }

    /// `action=dry-run` shows each transfer's outcome and payload diff and offers the confirm
    /// button; `action=confirm` replays (a reason is required) and shows the replay's progress.
    func replay(_ request: Request) async throws -> Response {
        switch try await admit(request, needsOperator: true) {
        case .refused(let response): return response
        case .admitted(let session, let form):
            let ids = form.all("id").compactMap { Int64($0) }
            guard !ids.isEmpty, ids.count <= Gateway.replayLimit else {
                return refusal(session, .unprocessableContent, "Name 1 to \(Gateway.replayLimit) dead letters to replay.")
            }
            guard let mode = form["mode"].flatMap(ReplayMode.init(rawValue:)) else {
                return refusal(session, .unprocessableContent, "Choose a mode: resend or retranslate.")
            }
            var reason = form["reason"] ?? ""
            let confirm = form["action"] == "confirm"
            var values: [String: Any] = ["ids": ids.map { String($0) }, "reason": reason, mode.rawValue: true]
            if confirm {
                switch OperatorReason.check(reason) {
                case .success(let text): reason = text
                case .failure(let problem):
                    values["message"] = "The reason: \(problem.message). Nothing was replayed."
                    return page("replay", title: "Replay", session: session, values, status: .unprocessableContent)
                }
            }
            let result = try await gateway.replay(ids: ids, filter: nil, mode: mode, dryRun: !confirm, operator: session.name, reason: reason)
            guard result.missing.isEmpty else {
                return refusal(session, .unprocessableContent, "No transfer \(result.missing.map(String.init).joined(separator: ", ")): nothing was replayed.")
            }
            if confirm, let record = result.record { return redirect("/console/replays/\(record.id)") }
            values["items"] = result.items.map(Self.replayItem)
            values["planned"] = result.items.contains { $0.outcome == .wouldQueue }
            if confirm { values["message"] = "Nothing was replayed." }
            return page("replay", title: confirm ? "Replay" : "Replay: dry run", session: session, values)
        }
    }

    func replayProgress(_ id: Int64?, _ session: ConsoleSessions.Session) async throws -> Response {
        guard let id, let progress = try await gateway.replayProgress(id: id) else {
            return refusal(session, .notFound, "No such replay.")
        }
        var states: [[String: Any]] = []
        for state in TransferState.allCases {
            guard let count = progress["states"]?[state.rawValue]?.integerValue, count > 0 else { continue }
            states.append(["state": state.rawValue, "count": String(count)])
        }
        var values: [String: Any] = [
            "id": String(id), "createdAt": progress["createdAt"]?.stringValue ?? "", "operator": progress["operator"]?.stringValue ?? "",
            "mode": progress["mode"]?.stringValue ?? "", "reason": progress["reason"]?.stringValue ?? "",
            "done": progress["done"] == .bool(true), "states": states,
        ]
        if let pause = progress["pause"], pause != .null {
            values["pause"] = ["since": pause["since"]?.stringValue ?? "", "by": pause["by"]?.stringValue ?? "", "reason": pause["reason"]?.stringValue ?? ""]
        }
        return page("replay-progress", title: "Replay \(id)", session: session, values)
    }

    /// Pauses or resumes a replay (`pause` true or false); the reason is required, as in the API.
    func steerReplay(_ id: Int64?, pause: Bool, _ request: Request) async throws -> Response {
        switch try await admit(request, needsOperator: true) {
        case .refused(let response): return response
        case .admitted(let session, let form):
            guard let id else { return refusal(session, .notFound, "No such replay.") }
            let reason: String
            switch OperatorReason.check(form["reason"]) {
            case .success(let text): reason = text
            case .failure(let problem): return refusal(session, .unprocessableContent, "The reason: \(problem.message). Nothing was changed.")
            }
            let outcome = pause ? try await gateway.pauseReplay(id: id, operator: session.name, reason: reason)
                                : try await gateway.resumeReplay(id: id, operator: session.name, reason: reason)
            switch outcome {
            case .done: return redirect("/console/replays/\(id)")
            case .unknown: return refusal(session, .notFound, "No such replay.")
            case .conflict(let why): return refusal(session, .conflict, why.prefix(1).uppercased() + why.dropFirst() + ".")
            }
        }
    }

    static func replayItem(_ item: ReplayItem) -> [String: Any] {
        var row: [String: Any] = ["id": String(item.transfer.id), "destination": item.transfer.destination, "hasDiff": !item.diff.isEmpty]
        switch item.outcome {
        case .queued: row["outcome"] = "queued"
        case .wouldQueue: row["outcome"] = "would be queued"
        case .skipped(let why):
            row["outcome"] = "skipped"
            row["skipped"] = why
        }
        row["diff"] = item.diff.map { line -> [String: Any] in
            ["line": line, "kind": line.hasPrefix("+ ") ? "add" : line.hasPrefix("- ") ? "del" : "same"]
        }
        return row
    }

    /// A JSON view as Mustache data: objects as dictionaries, nulls left out, numbers as text.
    static func mustache(_ value: JSONValue) -> Any {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return text
        case .array(let items): return items.map(mustache)
        case .object(let object):
            var dictionary: [String: Any] = [:]
            for (key, item) in object.entries where item != .null { dictionary[key] = mustache(item) }
            return dictionary
        }
    }
}
