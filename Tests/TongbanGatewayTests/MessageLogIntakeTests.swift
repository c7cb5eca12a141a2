import Testing
@testable import TongbanGateway
import TongbanStorage
import TongbanTesting

@Suite("Message log at intake")
struct MessageLogIntakeTests {
    @Test("a new case's entry, written in the intake's own transaction, carries the digest of the exact bytes the window received")
    func intakeEntryDigestsTheAnswerSent() async throws {
        let harness = try await GatewayHarness()
        let body = CaseFixtures.sample.bytes
        let supplementBody = CaseFixtures.sample.setting("version", 2).bytes
        let (id, answers) = try await harness.application().test(.router) { client in
            let first = try await client.send("/v1/cases", .post, body: body)
            #expect(first.status == .accepted)
            let id = try #require(first.body.json["id"]?.stringValue)
            let repeated = try await client.send("/v1/cases", .post, body: body)
            #expect(repeated.status == .accepted && repeated.body == first.body, "an identical repeat: the same answer")
            let supplement = try await client.send("/v1/cases/\(id)/supplements", .post, body: supplementBody)
            #expect(supplement.status == .accepted)
            let conflict = try await client.send("/v1/cases", .post, body: CaseFixtures.sample.setting("version", 4).bytes)
            #expect(conflict.status == .conflict)
            return (id, [first.body, repeated.body, supplement.body, conflict.body])
        }

        let log = try await MessageLogTests.entries(harness)
        try #require(log.count == 4, "one entry per message: none twice, none left out")
        #expect(log.map(\.answerDigest) == answers.map(MessageLogEntry.digest))
        #expect(log.map(\.httpStatus) == [202, 202, 202, 409])
        #expect(log.map(\.route) == ["POST /v1/cases", "POST /v1/cases", "POST /v1/cases/\(id)/supplements", "POST /v1/cases"])
        #expect(log.map(\.caseID) == [id, id, id, nil])
        #expect(log.map(\.messageID) == ["SX2026112000001 v1", "SX2026112000001 v1", "SX2026112000001 v2", nil])
        #expect(log.map(\.bodyDigest) == [body, body, supplementBody].map(MessageLogEntry.digest) + [log[3].bodyDigest])
        #expect(log[0].body == body && log[2].body == supplementBody)
        #expect(log.allSatisfy { $0.direction == .inbound && $0.party == "suixian" && $0.actor == "local:suixian" })
        #expect(try await MessageLogVerifier.verify(harness.store).problem == nil)
    }

    @Test("submitting without the middleware (another caller) logs nothing in the transaction")
    func noNoteNoEntry() async throws {
        let harness = try await GatewayHarness()
        guard case .accepted = try await harness.gateway.submit(CaseFixtures.sample.bytes) else { throw CancellationError() }
        #expect(try await MessageLogTests.entries(harness).isEmpty)
    }
}
