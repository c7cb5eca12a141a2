import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
import TongbanTesting
@testable import TongbanSimulator

/// 随县's local system as the gateway delivers to it.
@Suite struct LocalSystemTests {
    @Test func recordsEachCaseVersionOnceAndEveryStatus() async throws {
        let simulator = try Fixture.simulator()
        let body = CaseFixtures.sample.serialized()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let first = try await client.post("/local/cases", body)
            #expect(first.status == .ok)
            #expect(first.json["duplicate"] == false)
            #expect(try await client.post("/local/cases", body).json["duplicate"] == true)
            let supplement = CaseFixtures.sample.setting("version", .int(2)).serialized()
            #expect(try await client.post("/local/cases", supplement).json["duplicate"] == false)
            #expect(try await client.post("/local/statuses", CaseFixtures.status.serialized()).status == .noContent)

            let invalid = try await client.post("/local/cases", CaseFixtures.sample.setting("applicant.idNumber", "429001198503120021").serialized())
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.json["paths"] == ["$.applicant.idNumber"])

            let local = try await client.json("/_sim/cases?partner=local")
            let held = local["cases"]?.arrayValue?.first
            #expect(held?["caseNumber"] == "SX2026112000001")
            #expect(held?["received"] == 3)
            #expect(held?["processed"] == 2)
            #expect(held?["versions"] == [1, 2])
            #expect(local["statuses"]?.arrayValue?.first?["statuses"] == ["approved"])
            let stats = try await client.json("/_sim/stats")["local"]
            #expect(stats?["localCasesReceived"] == 3)
            #expect(stats?["duplicatesRecognised"] == 1)
            #expect(stats?["localStatusesReceived"] == 1)
            #expect(stats?["refusals"] == 1)
        }
    }
}
