import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanStorage
import TongbanTesting

/// An operator's reason is written into the message log and the process log as given, so a line
/// feed in it could forge a log line: the API and the console refuse a reason that is not one
/// line of printable text, and change nothing.
@Suite("Operator reasons")
struct OperatorReasonTests {
    static let forged = "fixed upstream\nnotice tongban.gateway : operator=admin dead letter closed"

    @Test("the API refuses a reason with a line feed or another control character, an empty or over-long one, naming $.reason; the dead letter stays dead and nothing is logged")
    func api() async throws {
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators)
        let caseID = try await DeliveryTests.submit(harness)
        _ = try await DeadLetterTests.deliver(harness.gateway, clock: harness.clock, answering: .malformed)
        let dead = try #require(try await harness.transfers(of: caseID).first)
        #expect(dead.state == .dead)
        let logged = try await harness.store.read { try $0.messageLog(after: 0, limit: 1000) }.count

        try await harness.application().test(.router) { client in
            for (reason, says) in [(Self.forged, "U+000A"), ("tab\there", "U+0009"), ("nul\u{0}", "U+0000"), ("next line\u{85}", "U+0085"),
                                   ("separator\u{2028}", "U+2028"), ("   ", "say why"), (String(repeating: "长", count: 501), "at most 500")] {
                let body = JSONValue.object(JSONObject([("reason", .string(reason))])).bytes
                let refused = try await client.send("/ops/v1/transfers/\(dead.id)/close", .post, key: DeadLetterTests.operatorToken, body: body)
                #expect(refused.status == .unprocessableContent, "\(says)")
                let issue = refused.body.json["issues"]?.arrayValue?.first
                #expect(issue?["path"]?.stringValue == "$.reason", "\(refused.body.text)")
                #expect(issue?["reason"]?.stringValue?.contains(says) == true, "\(refused.body.text)")
            }
            #expect(try await harness.transfers(of: caseID).first?.state == .dead)
            #expect(try await harness.store.read { try $0.messageLog(after: 0, limit: 1000) }.count == logged)

            // Blanks around a reason are dropped; 500 characters of text are fine.
            let closed = try await client.send("/ops/v1/transfers/\(dead.id)/close", .post, key: DeadLetterTests.operatorToken,
                                               body: JSONValue.object(JSONObject([("reason", .string("  " + String(repeating: "长", count: 500) + " "))])).bytes)
            #expect(closed.status == .ok, "\(closed.body.text)")
        }
        let entry = try #require(try await harness.store.read { try $0.messageLog(after: 0, limit: 1000) }.last)
        #expect(entry.reason == String(repeating: "长", count: 500))
    }

    @Test("the console refuses the same reasons, an empty one included, and changes nothing")
    func console() async throws {
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators)
        let caseID = try await DeliveryTests.submit(harness)
        _ = try await DeadLetterTests.deliver(harness.gateway, clock: harness.clock, answering: .malformed)
        let dead = try #require(try await harness.transfers(of: caseID).first)

        try await harness.application().test(.router) { client in
            let browser = try #require(try await ConsoleTests.login(client, "duty").2)
            for reason in [Self.forged, "", "bell\u{7}"] {
                let refused = try await ConsoleTests.post(client, "/console/transfers/\(dead.id)/close", as: browser, [("csrf", browser.csrf), ("reason", reason)])
                #expect(refused.status == .unprocessableContent, "\(reason.debugDescription)")
                #expect(refused.body.text.contains("Nothing was changed"))
            }
            #expect(try await harness.transfers(of: caseID).first?.state == .dead)
            let closed = try await ConsoleTests.post(client, "/console/transfers/\(dead.id)/close", as: browser, [("csrf", browser.csrf), ("reason", "applicant withdrew")])
            #expect(closed.status == .seeOther || closed.status == .found, "\(closed.status)")
        }
        #expect(try await harness.transfers(of: caseID).first?.state == .closed)
    }
}
