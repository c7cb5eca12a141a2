import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
import TongbanPartners
@testable import TongbanSimulator

/// 桐柏's receiving side: what the gateway's KSTB deliveries are answered with.
@Suite struct TongbaiReceiveTests {
    static let path = "/henan-tongbai/kstb/v2/receive"
    static let golden = "examples/outbound-case/01-interface-sample/expected.xml"

    @Test func acceptsTheGoldenCaseAndNumbersIt() async throws {
        let simulator = try Fixture.simulator()
        let body = try Fixture.contract("henan-tongbai", Self.golden)
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let response = try await client.post(Self.path, body)
            #expect(response.status == .ok)
            let receipt = try #require(response.receipt)
            #expect(receipt.result == .accepted)
            #expect(receipt.messageNumber == "5f0c6a2e-8b1d-4c3a-9e7f-2d4b6a8c0e11")
            let number = try #require(receipt.caseNumber)
            #expect(number.wholeMatch(of: /TB-2026-\d{7}/) != nil)

            let held = try await client.json("/_sim/cases?partner=henan-tongbai")["cases"]?.arrayValue ?? []
            #expect(held.count == 1)
            #expect(held.first?["caseNumber"] == "SX2026112000001")
            #expect(held.first?["partnerCaseNumber"] == .string(number))
            #expect(held.first?["status"] == "received")
            #expect(held.first?["partnerStatus"] == "01")
        }
    }

    @Test func acceptsWhatTheGatewayActuallySendsInGB18030() async throws {
        let simulator = try Fixture.simulator()
        let body = try Fixture.gatewayMessage("henan-tongbai", kind: .case, canonical: Fixture.contract("henan-tongbai", "sample-local-case.json"))
        #expect(String(decoding: body.prefix(60), as: UTF8.self).contains("GB18030"))
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let receipt = try #require(try await client.post(Self.path, body).receipt)
            #expect(receipt.result == .accepted)
        }
    }

    @Test func answersARepeatedMessageNumberWithJG3AndTheOriginalNumber() async throws {
        let simulator = try Fixture.simulator()
        let body = try Fixture.contract("henan-tongbai", Self.golden)
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let first = try #require(try await client.post(Self.path, body).receipt)
            let second = try #require(try await client.post(Self.path, body).receipt)
            #expect(first.result == .accepted)
            #expect(second.result == .duplicate)
            #expect(second.caseNumber == first.caseNumber)

            let held = try await client.json("/_sim/cases?partner=henan-tongbai")["cases"]?.arrayValue?.first
            #expect(held?["received"] == 2)
            #expect(held?["processed"] == 1)
            let stats = try await client.json("/_sim/stats")["henan-tongbai"]
            #expect(stats?["duplicatesRecognised"] == 1)
            #expect(stats?["casesProcessed"] == 1)
            #expect(stats?["messagesReceived"] == 2)
        }
    }

    @Test func tellsApartTwoCopiesArrivingTogether() async throws {
        let simulator = try Fixture.simulator { $0.faults = FaultSettings(latency: .milliseconds(100)) }
        let body = try Fixture.contract("henan-tongbai", Self.golden)
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            async let first = client.post(Self.path, body)
            async let second = client.post(Self.path, body)
            let results = try await [first.receipt?.result, second.receipt?.result]
            #expect(results.contains(.accepted))
            #expect(results.contains(.duplicate))
            let held = try await client.json("/_sim/cases?partner=henan-tongbai")["cases"]?.arrayValue?.first
            #expect(held?["received"] == 2)
            #expect(held?["processed"] == 1)
        }
    }

    @Test func countsANewMessageNumberForAHeldCaseAsASecondProcessing() async throws {
        let simulator = try Fixture.simulator()
        let body = try Fixture.contract("henan-tongbai", Self.golden)
        let resent = Self.replacing("5f0c6a2e-8b1d-4c3a-9e7f-2d4b6a8c0e11", with: "5f0c6a2e-8b1d-4c3a-9e7f-2d4b6a8c0e12", in: body)
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let first = try #require(try await client.post(Self.path, body).receipt)
            let second = try #require(try await client.post(Self.path, resent).receipt)
            #expect(second.result == .accepted)
            #expect(second.caseNumber == first.caseNumber)
            let held = try await client.json("/_sim/cases?partner=henan-tongbai")["cases"]?.arrayValue?.first
            #expect(held?["processed"] == 2)
        }
    }

    @Test func refusesASchemaFailureWithJG1() async throws {
        let simulator = try Fixture.simulator()
        let body = Self.replacing("<BJLX>2</BJLX>", with: "<BJLX>7</BJLX>", in: try Fixture.contract("henan-tongbai", Self.golden))
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let receipt = try #require(try await client.post(Self.path, body).receipt)
            #expect(receipt.result == .malformed)
            #expect(receipt.message.contains("/KSTB/SBXX/BJLX"))
            #expect(receipt.caseNumber == nil)

            let notXML = try #require(try await client.post(Self.path, Array("not xml".utf8)).receipt)
            #expect(notXML.result == .malformed)

            #expect(try await client.json("/_sim/cases?partner=henan-tongbai")["cases"]?.arrayValue?.isEmpty == true)
            #expect(try await client.json("/_sim/stats")["henan-tongbai"]?["refusals"] == 2)
        }
    }

    @Test func refusesAnotherReceiverWithJG1() async throws {
        let simulator = try Fixture.simulator()
        let body = Self.replacing("<JSF>411330</JSF>", with: "<JSF>420683</JSF>", in: try Fixture.contract("henan-tongbai", Self.golden))
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let receipt = try #require(try await client.post(Self.path, body).receipt)
            #expect(receipt.result == .malformed)
            #expect(receipt.message.contains("JSF"))
        }
    }

    @Test func refusesAMatterOutsideTheAgreementWithJG2() async throws {
        let simulator = try Fixture.simulator()
        let body = Self.replacing("411330000GA0130001", with: "411330000GA0139999", in: try Fixture.contract("henan-tongbai", Self.golden))
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let receipt = try #require(try await client.post(Self.path, body).receipt)
            #expect(receipt.result == .matterNotInAgreement)
        }
    }

    @Test func takesASupplementAsANewVersionAndAWithdrawalAsStatus10() async throws {
        let clock = ManualClock()
        let simulator = try Fixture.simulator(clock: clock)
        let body = try Fixture.contract("henan-tongbai", Self.golden)
        let supplement = Self.replacing("<YWLX>SB</YWLX>", with: "<YWLX>BZ</YWLX>",
                                        in: Self.replacing("8b1d-4c3a-9e7f-2d4b6a8c0e11", with: "8b1d-4c3a-9e7f-2d4b6a8c0e21", in: body))
        let withdrawal = Self.replacing("<YWLX>SB</YWLX>", with: "<YWLX>CH</YWLX>",
                                        in: Self.replacing("8b1d-4c3a-9e7f-2d4b6a8c0e11", with: "8b1d-4c3a-9e7f-2d4b6a8c0e31", in: body))
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            #expect(try await client.post(Self.path, body).receipt?.result == .accepted)
            #expect(try await client.post(Self.path, supplement).receipt?.result == .accepted)
            clock.advance(milliseconds: Fixture.stepMillis)
            let answer = try #require(try await client.post(Self.path, withdrawal).receipt)
            #expect(answer.result == .accepted)
            #expect(answer.message == "已撤回")

            let held = try await client.json("/_sim/cases?partner=henan-tongbai")["cases"]?.arrayValue?.first
            #expect(held?["version"] == 2)
            #expect(held?["processed"] == 1)
            #expect(held?["received"] == 3)
            #expect(held?["status"] == "withdrawn")
            #expect(held?["partnerStatus"] == "10")
        }
    }

    static func replacing(_ old: String, with new: String, in bytes: [UInt8]) -> [UInt8] {
        Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: old, with: new).utf8)
    }
}
