import Hummingbird
import TongbanCore
import TongbanStorage

extension GatewayRouter {
    /// `/ops/v1/…`: the operators' API (dead letters, transfers, replays), behind an operator's
    /// token; the CLI's `tongban dlq` and `tongban replay` call it.
    func addOperationsRoutes(to group: RouterGroup<Context>) {
        group.get("dead-letters") { request, _ in
            try await self.deadLetters(request)
        }
        group.get("transfers/:id") { _, context in
            guard let id = Int64(try context.parameters.require("id")), let view = try await self.gateway.transferView(id: id) else {
                return Reply.problem(.notFound, title: "No such transfer")
            }
            return Reply.json(view)
        }
        group.post("transfers/:id/close") { request, context in
            guard let id = Int64(try context.parameters.require("id")) else { return Reply.problem(.notFound, title: "No such transfer") }
            let body = try await request.bytes(limit: self.maxBody)
            let reason: String
            switch Self.reason(body, required: true) {
            case .success(let text): reason = text ?? ""
            case .failure(let problem): return problem.response
            }
            switch try await self.gateway.closeDeadLetter(id: id, operator: OperatorIdentity.current?.name ?? "?", reason: reason) {
            case .closed(let transfer): return Reply.json(.object(Gateway.transferJSON(transfer)))
            case .notFound: return Reply.problem(.notFound, title: "No such transfer")
            case .notDead(let state): return Reply.problem(.conflict, title: "Not a dead letter", detail: "transfer \(id) is \(state.rawValue)")
            }
        }
        group.post("replays") { request, _ in
            try await self.replay(request.bytes(limit: self.maxBody))
        }
        group.get("replays/:id") { _, context in
            guard let id = Int64(try context.parameters.require("id")), let progress = try await self.gateway.replayProgress(id: id) else {
                return Reply.problem(.notFound, title: "No such replay")
            }
            return Reply.json(progress)
        }
        group.post("replays/:id/pause") { request, context in
            try await self.replayAction(request, context) { id, person, reason in
                try await self.gateway.pauseReplay(id: id, operator: person, reason: reason)
            }
        }
        group.post("replays/:id/resume") { request, context in
            try await self.replayAction(request, context) { id, person, reason in
                try await self.gateway.resumeReplay(id: id, operator: person, reason: reason)
            }
        }
        group.get("sla") { request, _ in
            try await self.sla(request)
        }
        addDestinationRoutes(to: group)
    }

    func sla(_ request: Request) async throws -> Response {
        guard let calendar = gateway.calendar, let settings = gateway.configuration.sla else {
            return Reply.problem(.serviceUnavailable, title: "No SLA clock", detail: "configure sla.holidays (a folder of holiday files)")
        }
        let query = request.uri.queryParameters
        var issues: [ValidationIssue] = []
        let from = Self.time("from", in: query, issues: &issues), to = Self.time("to", in: query, issues: &issues)
        guard issues.isEmpty else { return Reply.problem(.badRequest, title: "Invalid query", detail: "\(issues.count) problem(s)", issues: issues) }
        let now = gateway.clock.nowMillis()
        do {
            let timelines = try await SLAFigures.timelines(store: gateway.store, partner: query.get("partner"), matter: query.get("matter"),
                                                           from: from, to: to)
            let figures = try SLAFigures(timelines, calendar: calendar, now: now, dueSoon: settings.dueSoon)
            return Reply.json(figures.json(from: from, to: to, now: now))
        } catch let problem as SLAFigures.Problem {
            return Reply.problem(.unprocessableContent, title: "No SLA figures", detail: problem.description)
        }
    }

    struct Problem: Error {
        var issues: [ValidationIssue]
        var response: Response {
            Reply.problem(.unprocessableContent, title: "Invalid request", detail: "\(issues.count) problem(s); nothing was changed", issues: issues)
        }
    }

    /// The operator's reason, required for changes (`OperatorReason`): 422 naming `$.reason`.
    static func reason(_ body: [UInt8], required: Bool) -> Result<String?, Problem> {
        guard let json = try? JSONParser.parse(body), case .object = json else {
            return .failure(Problem(issues: [ValidationIssue(path: "$", reason: "the body is a JSON object")]))
        }
        let text = json["reason"]?.stringValue
        if !required, text == nil { return .success(nil) }
        switch OperatorReason.check(text) {
        case .success(let reason): return .success(reason)
        case .failure(let refusal): return .failure(Problem(issues: [ValidationIssue(path: "$.reason", reason: refusal.message)]))
        }
    }

    /// Pausing or resuming a replay: 404 for an unknown replay, 422 without a reason, 409 when
    /// the replay's state does not allow it, else the replay's progress.
    func replayAction(_ request: Request, _ context: Context,
                      _ action: (Int64, String, String) async throws -> OperatorActionOutcome) async throws -> Response {
        guard let id = Int64(try context.parameters.require("id")) else { return Reply.problem(.notFound, title: "No such replay") }
        let reason: String
        switch Self.reason(try await request.bytes(limit: maxBody), required: true) {
        case .success(let text): reason = text ?? ""
        case .failure(let problem): return problem.response
        }
        switch try await action(id, OperatorIdentity.current?.name ?? "?", reason) {
        case .done(let progress): return Reply.json(progress)
        case .unknown: return Reply.problem(.notFound, title: "No such replay")
        case .conflict(let why): return Reply.problem(.conflict, title: "Not possible now", detail: why)
        }
    }

    func deadLetters(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var issues: [ValidationIssue] = []
        var filter = DeadLetterFilter()
        filter.destination = query.get("destination")
        filter.matterCode = query.get("matter")
        filter.partnerCode = query.get("partnerCode")
        filter.caseNumber = query.get("caseNumber")
        if let text = query.get("errorClass") {
            filter.errorClass = DeadLetterFilter.ErrorClass(rawValue: text)
            if filter.errorClass == nil { issues.append(ValidationIssue(path: "errorClass", reason: "must be permanent or exhausted")) }
        }
        filter.diedFrom = Self.time("from", in: query, issues: &issues)
        filter.diedTo = Self.time("to", in: query, issues: &issues)
        let (limit, after) = Self.page(query, issues: &issues)
        guard issues.isEmpty else {
            return Reply.problem(.badRequest, title: "Invalid query", detail: "\(issues.count) problem(s)", issues: issues)
        }
        let page = try await gateway.deadLetters(filter, after: after, limit: limit)
        var object = JSONObject([("items", .array(page.items.map { .object(Gateway.deadLetterJSON($0)) }))])
        object.append("next", page.next.map { .string(Self.encodeCursor($0)) } ?? .null)
        return Reply.json(.object(object))
    }

    func replay(_ body: [UInt8]) async throws -> Response {
        guard let json = try? JSONParser.parse(body), case .object = json else {
            return Problem(issues: [ValidationIssue(path: "$", reason: "the body is a JSON object")]).response
        }
        var issues: [ValidationIssue] = []
        var dryRun = false
        switch json["dryRun"] {
        case .bool(let value)?: dryRun = value
        case nil: break
        default: issues.append(ValidationIssue(path: "$.dryRun", reason: "must be true or false"))
        }
        let modeText = json["mode"]?.stringValue ?? ""
        let mode = ReplayMode(rawValue: modeText)
        if mode == nil { issues.append(ValidationIssue(path: "$.mode", reason: "must be resend or retranslate")) }
        var ids: [Int64]?
        var filter: DeadLetterFilter?
        switch (json["transferIds"], json["filter"]) {
        case (.array(let list)?, nil):
            ids = list.compactMap(\.integerValue)
            if ids!.count != list.count || ids!.isEmpty || ids!.count > Gateway.replayLimit {
                issues.append(ValidationIssue(path: "$.transferIds", reason: "1 to \(Gateway.replayLimit) transfer ids (integers)"))
            }
        case (nil, .object(let object)?):
            var selected = DeadLetterFilter()
            for (key, value) in object.entries {
                let text = value.stringValue
                switch key {
                case "destination": selected.destination = text
                case "matter": selected.matterCode = text
                case "partnerCode": selected.partnerCode = text
                case "caseNumber": selected.caseNumber = text
                case "errorClass":
                    selected.errorClass = text.flatMap(DeadLetterFilter.ErrorClass.init(rawValue:))
                    if selected.errorClass == nil { issues.append(ValidationIssue(path: "$.filter.errorClass", reason: "must be permanent or exhausted")) }
                case "from", "to":
                    guard let time = text.flatMap(Timestamp.parseRFC3339) else {
                        issues.append(ValidationIssue(path: "$.filter.\(key)", reason: "must be an RFC 3339 time with an offset"))
                        continue
                    }
                    if key == "from" { selected.diedFrom = time.epochSeconds * 1000 } else { selected.diedTo = time.epochSeconds * 1000 }
                default:
                    issues.append(ValidationIssue(path: "$.filter.\(key)", reason: "unknown filter; use destination, matter, errorClass, partnerCode, from, to or caseNumber"))
                }
                if text == nil, key != "errorClass" { issues.append(ValidationIssue(path: "$.filter.\(key)", reason: "must be a string")) }
            }
            filter = selected
        default:
            issues.append(ValidationIssue(path: "$", reason: "name the dead letters: either transferIds (a list) or filter (an object), not both"))
        }
        var reason = ""
        switch Self.reason(body, required: !dryRun) {
        case .success(let text): reason = text ?? ""
        case .failure(let problem): issues += problem.issues
        }
        guard issues.isEmpty, let mode else { return Problem(issues: issues).response }
        let result = try await gateway.replay(ids: ids, filter: filter, mode: mode, dryRun: dryRun,
                                              operator: OperatorIdentity.current?.name ?? "?", reason: reason)
        guard result.missing.isEmpty else {
            return Problem(issues: result.missing.map { ValidationIssue(path: "$.transferIds", reason: "no transfer \($0)") }).response
        }
        let items = result.items
        var counts: [String: Int] = [:]
        var list: [JSONValue] = []
        for item in items {
            var object = JSONObject()
            object.append("transferId", .int(item.transfer.id))
            object.append("caseId", .string(item.transfer.caseID))
            object.append("destination", .string(item.transfer.destination))
            object.append("messageId", .string(item.transfer.messageID))
            switch item.outcome {
            case .queued: object.append("outcome", .string("queued"))
            case .wouldQueue: object.append("outcome", .string("wouldQueue"))
            case .skipped(let why):
                object.append("outcome", .string("skipped"))
                object.append("reason", .string(why))
            }
            object.append("diff", .array(item.diff.map(JSONValue.string)))
            counts[object["outcome"]?.stringValue ?? "", default: 0] += 1
            list.append(.object(object))
        }
        return Reply.json(.object(JSONObject([
            ("replayId", result.record.map { .int($0.id) } ?? .null), ("mode", .string(mode.rawValue)), ("dryRun", .bool(dryRun)),
            ("queued", .int(Int64(counts["queued"] ?? 0))), ("wouldQueue", .int(Int64(counts["wouldQueue"] ?? 0))),
            ("skipped", .int(Int64(counts["skipped"] ?? 0))), ("items", .array(list)),
        ])))
    }
}
