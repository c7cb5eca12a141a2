import TongbanCore

extension SLAFigures {
    /// `GET /ops/v1/sla`'s body: the figures of all cases, per agreement and per matter, and the
    /// overdue and due-soon cases (each listed once).
    public func json(from: Int64?, to: Int64?, now: Int64) -> JSONValue {
        var object = JSONObject()
        object.append("from", from.map { .string(Gateway.timestamp($0).rfc3339()) } ?? .null)
        object.append("to", to.map { .string(Gateway.timestamp($0).rfc3339()) } ?? .null)
        object.append("now", .string(Gateway.timestamp(now).rfc3339()))
        object.append("all", Self.json(all))
        object.append("byAgreement", .object(JSONObject(byAgreement.keys.sorted().map { ($0, Self.json(byAgreement[$0]!)) })))
        object.append("byMatter", .object(JSONObject(byMatter.keys.sorted().map { ($0, Self.json(byMatter[$0]!)) })))
        object.append("overdue", .array(all.overdue.map(Self.json)))
        object.append("dueSoon", .array(all.dueSoon.map(Self.json)))
        return .object(object)
    }

    static func json(_ report: SLAReport) -> JSONValue {
        var object = JSONObject()
        object.append("cases", .int(Int64(report.count)))
        object.append("completed", .int(Int64(report.completed)))
        object.append("completedOnTime", .int(Int64(report.completedOnTime)))
        object.append("onTimeRate", report.onTimeRate.map(JSONValue.double) ?? .null)
        object.append("medianHandlingSeconds", report.medianHandlingSeconds.map(JSONValue.int) ?? .null)
        object.append("p90HandlingSeconds", report.p90HandlingSeconds.map(JSONValue.int) ?? .null)
        object.append("withdrawnOrRejected", .int(Int64(report.withdrawnOrRejected)))
        object.append("openByStatus", .object(JSONObject(report.openByStatus.keys.map(\.rawValue).sorted().map { name in
            (name, .int(Int64(report.openByStatus[CaseStatus(rawValue: name)!]!)))
        })))
        object.append("overdue", .int(Int64(report.overdue.count)))
        object.append("dueSoon", .int(Int64(report.dueSoon.count)))
        return .object(object)
    }

    static func json(_ open: SLAReport.OpenCase) -> JSONValue {
        .object(JSONObject([
            ("caseId", .string(open.caseID)), ("agreement", .string(open.agreement)), ("matter", .string(open.matterCode)),
            ("status", .string(open.status.rawValue)), ("promise", .string(open.promise.rfc3339())),
        ]))
    }
}
