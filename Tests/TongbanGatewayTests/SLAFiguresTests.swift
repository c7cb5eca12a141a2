import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanStorage
import TongbanTesting

@Suite("SLA figures")
struct SLAFiguresTests {
    static let settings = DeadLetterTests.operators + """

        sla: {holidays: \(Repository.root.appendingPathComponent("ops/data/holidays").path), dueSoon: 48h}
        """

    /// A case sent to 桐柏 with a limit in working days and its applied statuses (RFC 3339 times).
    static func store(_ harness: GatewayHarness, _ number: String, workingDays: Int, statuses: [(CaseStatus, String)]) async throws -> String {
        let canonical = CaseFixtures.sample.setting("caseNumber", .string(number))
            .setting("timeLimit", .object(JSONObject([("value", .int(Int64(workingDays))), ("unit", .string("workingDay"))]))).bytes
        let id = "case-\(number)"
        try await harness.store.write { writer in
            var record = try writer.insertCase(
                CaseRecord(id: id, direction: .outbound, origin: "suixian", partner: "henan-tongbai", caseNumber: number, version: 1,
                           matterCode: "421321GA0130001", createdAt: GatewayHarness.start - 86_400_000, updatedAt: GatewayHarness.start),
                firstVersion: CaseVersionRecord(caseID: id, version: 1, digest: MessageLogEntry.digest(canonical), canonical: canonical,
                                                createdAt: GatewayHarness.start))
            for (status, at) in statuses {
                let millis = Timestamp.parseRFC3339(at)!.epochSeconds * 1000
                _ = try writer.insertStatus(StatusRecord(caseID: id, status: status.rawValue, partnerCode: nil, at: millis, receivedAt: millis,
                                                         source: .partner, outcome: .applied, note: nil, canonical: []))
                record.status = status.rawValue
                record.statusAt = millis
            }
            try writer.updateCase(record)
        }
        return id
    }

    @Test("on-time completion across the 2026 Spring Festival and a make-up Saturday, overdue and due-soon open cases")
    func springFestivalAndMakeUpSaturday() async throws {
        let harness = try await GatewayHarness(extraYAML: Self.settings)   // now: 2026-11-22T10:00+08:00
        // Accepted Thu 12 Feb, 5 working days: 13, Sat 14 (make-up), then 24, 25, 26 → promised 27 Feb 00:00.
        _ = try await Self.store(harness, "SX01", workingDays: 5, statuses: [(.accepted, "2026-02-12T10:00:00+08:00"), (.approved, "2026-02-26T17:00:00+08:00")])
        _ = try await Self.store(harness, "SX02", workingDays: 5, statuses: [(.accepted, "2026-02-12T10:00:00+08:00"), (.approved, "2026-02-27T09:00:00+08:00")])
        // Accepted Wed 25 Feb, 3 working days: 26, 27, Sat 28 (make-up) → promised 1 Mar 00:00.
        _ = try await Self.store(harness, "SX03", workingDays: 3, statuses: [(.accepted, "2026-02-25T10:00:00+08:00"), (.denied, "2026-02-28T16:00:00+08:00")])
        // Open: accepted Tue 17 Nov, 4 working days → promised 24 Nov 00:00, 38 h from now (due soon
        // within 48 h); accepted Tue 10 Nov, 3 working days → promised 14 Nov 00:00 (overdue).
        let dueSoon = try await Self.store(harness, "SX04", workingDays: 4, statuses: [(.accepted, "2026-11-17T10:00:00+08:00")])
        let overdue = try await Self.store(harness, "SX05", workingDays: 3, statuses: [(.accepted, "2026-11-10T10:00:00+08:00"), (.inProgress, "2026-11-12T10:00:00+08:00")])

        try await harness.application().test(.router) { client in
            let answer = try await client.send("/ops/v1/sla", key: DeadLetterTests.viewerToken)
            #expect(answer.status == .ok, "\(answer.body.text)")
            let tongbai = try #require(answer.body.json["byAgreement"]?["henan-tongbai"])
            #expect(tongbai["cases"]?.integerValue == 5)
            #expect(tongbai["completed"]?.integerValue == 3)
            #expect(tongbai["completedOnTime"]?.integerValue == 2, "SX02 finished 9 hours after its promise")
            guard case .double(let rate)? = tongbai["onTimeRate"] else { Issue.record("no onTimeRate"); return }
            #expect(abs(rate - 2.0 / 3.0) < 1e-9)
            #expect(tongbai["openByStatus"]?["accepted"]?.integerValue == 1 && tongbai["openByStatus"]?["inProgress"]?.integerValue == 1)
            #expect(answer.body.json["overdue"]?.arrayValue?.map { $0["caseId"]?.stringValue } == [overdue])
            #expect(answer.body.json["overdue"]?.arrayValue?.first?["promise"]?.stringValue == "2026-11-14T00:00:00+08:00")
            #expect(answer.body.json["dueSoon"]?.arrayValue?.map { $0["caseId"]?.stringValue } == [dueSoon])
            #expect(answer.body.json["dueSoon"]?.arrayValue?.first?["promise"]?.stringValue == "2026-11-24T00:00:00+08:00")
            let anonymous = try await client.send("/ops/v1/sla", key: nil)
            #expect(anonymous.status == .unauthorized)
        }
        try await SLAWatch(gateway: harness.gateway, logger: .init(label: "test")).update()
        let scraped = MetricsExposition(String(decoding: try await harness.gateway.metricsExposition(), as: UTF8.self))
        #expect(scraped.value("tongban_overdue_cases", ["partner": "henan-tongbai"]) == 1)
        #expect(scraped.value("tongban_overdue_cases", ["partner": "hubei-zaoyang"]) == 0)
    }

    @Test("without sla.holidays the figures answer 503")
    func notConfigured() async throws {
        let harness = try await GatewayHarness(extraYAML: DeadLetterTests.operators)
        try await harness.application().test(.router) { client in
            let answer = try await client.send("/ops/v1/sla", key: DeadLetterTests.viewerToken)
            #expect(answer.status == .serviceUnavailable)
        }
    }
}
