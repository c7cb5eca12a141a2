import TongbanCore

/// What 随县's local case system has received from the gateway: inbound cases (each version
/// once; a repeated case number and version is a duplicate delivery) and status reports.
struct LocalRecords: Sendable {
    struct CaseEntry: Sendable {
        let caseNumber: String
        /// Distinct versions, in arrival order.
        var versions: [Int] = []
        /// Deliveries, duplicates included.
        var received = 0
        /// The partner region that sent it (`acceptingOffice.divisionCode`).
        var origin: String?
    }

    private(set) var cases: [String: CaseEntry] = [:]
    private var caseOrder: [String] = []
    /// Status reports by case number: the canonical statuses in arrival order.
    private(set) var statuses: [String: [String]] = [:]
    private var statusOrder: [String] = []

    /// Records a delivered case; false when this case number and version arrived before.
    mutating func receiveCase(_ caseNumber: String, version: Int, origin: String?) -> Bool {
        var entry = cases[caseNumber] ?? CaseEntry(caseNumber: caseNumber)
        if cases[caseNumber] == nil { caseOrder.append(caseNumber) }
        entry.received += 1
        entry.origin = entry.origin ?? origin
        let isNew = !entry.versions.contains(version)
        if isNew { entry.versions.append(version) }
        cases[caseNumber] = entry
        return isNew
    }

    mutating func receiveStatus(_ caseNumber: String, status: String) {
        if statuses[caseNumber] == nil { statusOrder.append(caseNumber) }
        statuses[caseNumber, default: []].append(status)
    }

    /// As `GET /_sim/cases?partner=local` shows it: `processed` is the number of distinct
    /// versions, so a case delivered exactly once has `received` 1 and `processed` 1.
    var json: JSONValue {
        let caseList = caseOrder.compactMap { cases[$0] }.map { entry -> JSONValue in
            var object = JSONObject([
                ("caseNumber", .string(entry.caseNumber)),
                ("versions", .array(entry.versions.map { .int(Int64($0)) })),
                ("received", .int(Int64(entry.received))),
                ("processed", .int(Int64(entry.versions.count))),
            ])
            if let origin = entry.origin { object.append("origin", .string(origin)) }
            return .object(object)
        }
        let statusList = statusOrder.map { caseNumber -> JSONValue in
            .object(JSONObject([("caseNumber", .string(caseNumber)), ("statuses", .array((statuses[caseNumber] ?? []).map(JSONValue.string)))]))
        }
        return .object(JSONObject([("partner", "local"), ("cases", .array(caseList)), ("statuses", .array(statusList))]))
    }
}
