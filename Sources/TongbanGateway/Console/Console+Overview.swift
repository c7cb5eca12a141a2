import Hummingbird
import TongbanCore
import TongbanStorage

extension Console {
    /// The SLA window the overview's on-time rate covers: cases created in the last 30 days.
    static let onTimeWindow: Int64 = 30 * 86_400_000

    /// Per destination: breaker, queue, oldest waiting transfer, dead letters, throughput (the
    /// last hour's deliveries and the rate over the last 15 minutes, since the start at most),
    /// deliveries of all time, and the on-time rate of the partner's cases when the SLA clock is
    /// configured.
    func overview(_ session: ConsoleSessions.Session) async throws -> Response {
        let view = try await gateway.destinationsView()
        let now = gateway.clock.nowMillis()
        let names = view["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        let extra = try await gateway.store.read { reader in
            try names.map { name in
                (oldest: try reader.oldestPendingCreatedAt(destination: name),
                 delivered: try reader.transferCount(destination: name, state: .delivered))
            }
        }
        var slaNote = "On-time rates need the SLA clock (sla.holidays in the configuration)."
        var rates: [String: SLAReport] = [:]
        if let calendar = gateway.calendar, let settings = gateway.configuration.sla {
            do {
                let timelines = try await SLAFigures.timelines(store: gateway.store, partner: nil, matter: nil, from: now - Self.onTimeWindow, to: nil)
                rates = try SLAFigures(timelines, calendar: calendar, now: now, dueSoon: settings.dueSoon).byAgreement
                slaNote = "On-time rate: cases created in the last 30 days and decided, decided before their promise."
            } catch let problem as SLAFigures.Problem {
                slaNote = "No on-time rates: \(problem.description)"
            }
        }
        let rows: [[String: Any]] = (view["items"]?.arrayValue ?? []).enumerated().map { index, item in
            let name = item["name"]?.stringValue ?? "?"
            let queue = item["transfers"]
            func count(_ state: TransferState) -> String { String(queue?[state.rawValue]?.integerValue ?? 0) }
            return [
                "name": name, "protocol": item["protocol"]?.stringValue ?? "",
                "breaker": item["breaker"]?["state"]?.stringValue ?? "none (the partner pulls)",
                "pending": count(.pending), "inFlight": count(.inFlight), "offered": count(.offered), "dead": count(.dead),
                "oldest": extra[index].oldest.map { Self.age(now - $0) } ?? "none",
                "delivered": String(extra[index].delivered),
                "lastHour": String(gateway.throughput.count(name, lastMinutes: 60, now: now)),
                "perMinute": Self.perMinute(gateway.throughput.count(name, lastMinutes: 15, now: now), minutes: 15),
                "onTime": rates[name]?.onTimeRate.map { "\(Int(($0 * 100).rounded())) % of \(rates[name]!.completed)" } ?? "–",
            ]
        }
        return page("overview", title: "Overview", session: session, ["destinations": rows, "slaNote": slaNote])
    }

    /// The latest `limit` message log entries, newest first.
    func messageLog(_ request: Request, _ session: ConsoleSessions.Session) async throws -> Response {
        let limit = request.uri.queryParameters.get("limit").flatMap(Int.init).map { min(max($0, 1), 1000) } ?? 100
        let entries = try await gateway.store.read { reader -> [MessageLogEntry] in
            guard let head = try reader.messageLogHead() else { return [] }
            return try reader.messageLog(after: max(0, head.seq - Int64(limit)), limit: limit)
        }
        let rows: [[String: Any]] = entries.reversed().map { entry in
            var row: [String: Any] = ["seq": String(entry.seq), "at": Self.time(entry.at), "direction": entry.direction.rawValue,
                                      "party": entry.party, "actor": entry.actor]
            row["route"] = entry.route
            row["caseId"] = entry.caseID
            row["transferId"] = entry.transferID.map { String($0) }
            row["httpStatus"] = entry.httpStatus.map { String($0) }
            row["result"] = entry.result
            row["reason"] = entry.reason
            return row
        }
        return page("log", title: "Message log", session: session, ["entries": rows, "limit": String(limit)])
    }

    /// Open cases past their promise, and those due within the configured window.
    func overdue(_ session: ConsoleSessions.Session) async throws -> Response {
        guard let calendar = gateway.calendar, let settings = gateway.configuration.sla else {
            return page("overdue", title: "Overdue cases", session: session,
                        ["unavailable": "No SLA clock: configure sla.holidays (a folder of holiday files)."])
        }
        let now = gateway.clock.nowMillis()
        let figures: SLAFigures
        do {
            let timelines = try await SLAFigures.timelines(store: gateway.store, partner: nil, matter: nil, from: nil, to: nil)
            figures = try SLAFigures(timelines, calendar: calendar, now: now, dueSoon: settings.dueSoon)
        } catch let problem as SLAFigures.Problem {
            return page("overdue", title: "Overdue cases", session: session, ["unavailable": problem.description])
        }
        func rows(_ cases: [SLAReport.OpenCase]) -> [[String: Any]] {
            cases.map { ["caseId": $0.caseID, "agreement": $0.agreement, "matter": $0.matterCode, "status": $0.status.rawValue,
                         "promise": $0.promise.rfc3339()] }
        }
        return page("overdue", title: "Overdue cases", session: session, ["lists": [
            ["heading": "Overdue", "cases": rows(figures.all.overdue)],
            ["heading": "Due within \(settings.dueSoon.components.seconds / 3600) h", "cases": rows(figures.all.dueSoon)],
        ] as [[String: Any]]])
    }

    /// "12.4/min": deliveries per minute over the window, one decimal.
    static func perMinute(_ count: Int, minutes: Int) -> String {
        let tenths = (count * 10 + minutes / 2) / minutes
        return "\(tenths / 10).\(tenths % 10)/min"
    }

    /// "3 d 4 h", "2 h 5 min", "40 s": an age an operator reads at a glance.
    static func age(_ millis: Int64) -> String {
        let seconds = max(0, millis / 1000)
        if seconds >= 86_400 { return "\(seconds / 86_400) d \(seconds % 86_400 / 3600) h" }
        if seconds >= 3600 { return "\(seconds / 3600) h \(seconds % 3600 / 60) min" }
        if seconds >= 60 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }
}
