import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanPartners
import TongbanStorage
import TongbanTesting
import TongbanXML

@Suite("桐柏 KSTB endpoint")
struct KSTBEndpointTests {
    static let path = "/partners/henan-tongbai/kstb/v2/receive"

    static func submitted(_ harness: GatewayHarness) async throws -> String {
        guard case .accepted(let record, _) = try await harness.gateway.submit(CaseFixtures.sample.bytes) else { throw CancellationError() }
        return record.id
    }

    func receipt(_ answer: (status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8])) throws -> KSTBReceipt {
        #expect(answer.status == .ok)
        return try #require(KSTBReceipt.parse(answer.body))
    }

    @Test("status notices are applied in time order, repeats are answered JG=3 and kept once, late ones kept as stale")
    func statusNotices() async throws {
        let harness = try await GatewayHarness()
        let id = try await Self.submitted(harness)
        try await harness.application().test(.router) { client in
            let accepted = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-000001", code: "02", at: "2026-11-20 10:00:00")
            let first = try receipt(try await client.send(Self.path, .post, body: accepted, key: nil))
            #expect(first.result == .accepted)
            #expect(first.messageNumber == "411330-ZT-000001")
            let again = try receipt(try await client.send(Self.path, .post, body: accepted, key: nil))
            #expect(again.result == .duplicate)
            #expect(again.caseNumber == "TB-2026-0087731")
            let approved = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-000003", code: "07", at: "2026-11-21 10:00:00")
            #expect(try receipt(try await client.send(Self.path, .post, body: approved, key: nil)).result == .accepted)
            let late = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-000002", code: "05", at: "2026-11-20 15:00:00")
            #expect(try receipt(try await client.send(Self.path, .post, body: late, key: nil)).result == .accepted)

            let view = try await client.send("/v1/cases/\(id)")
            #expect(view.body.json["status"]?.stringValue == "approved")
            #expect(view.body.json["partnerCaseNumber"]?.stringValue == "TB-2026-0087731")
            let history = view.body.json["statusHistory"]?.arrayValue ?? []
            #expect(history.map { $0["status"]?.stringValue ?? "" } == ["accepted", "approved", "inProgress"])
            #expect(history.map { $0["partnerCode"]?.stringValue ?? "" } == ["02", "07", "05"])
            #expect(history.map { $0["outcome"]?.stringValue ?? "" } == ["applied", "applied", "stale"])
        }
        // Each applied status goes on to the local system, once.
        let toLocal = try await harness.transfers(of: id).filter { $0.destination == Gateway.localDestination }
        #expect(toLocal.count == 2)
        #expect(toLocal.allSatisfy { $0.kind == .status })
    }

    @Test("an impossible transition is kept and flagged, not dropped")
    func impossibleKept() async throws {
        let harness = try await GatewayHarness()
        let id = try await Self.submitted(harness)
        try await harness.application().test(.router) { client in
            let rejected = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-000010", code: "04", at: "2026-11-20 10:00:00")
            _ = try await client.send(Self.path, .post, body: rejected, key: nil)
            let approved = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-000011", code: "07", at: "2026-11-21 10:00:00")
            #expect(try receipt(try await client.send(Self.path, .post, body: approved, key: nil)).result == .accepted)
            let history = try await client.send("/v1/cases/\(id)").body.json["statusHistory"]?.arrayValue ?? []
            #expect(history.last?["outcome"]?.stringValue == "impossible")
            #expect(history.last?["note"]?.stringValue?.contains("rejected") == true)
        }
    }

    @Test("malformed XML and statuses of unknown cases get JG=1")
    func refusals() async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            #expect(try receipt(try await client.send(Self.path, .post, body: Array("<KSTB".utf8), key: nil)).result == .malformed)
            let unknown = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-000020", caseNumber: "SX-NOT-SENT", code: "02", at: "2026-11-20 10:00:00")
            let answer = try receipt(try await client.send(Self.path, .post, body: unknown, key: nil))
            #expect(answer.result == .malformed)
            #expect(answer.message.contains("SX-NOT-SENT"))
        }
    }

    @Test("Tongbai's own case is accepted once with 随县's number, reaches the local queue, and the local status goes back as ZT")
    func inboundCaseRoundTrip() async throws {
        let harness = try await GatewayHarness()
        let message = try PartnerFixtures.contract("henan-tongbai/examples/inbound-case/01-henan-resident-gb18030/input.xml")
        try await harness.application().test(.router) { client in
            let first = try receipt(try await client.send(Self.path, .post, body: message, key: nil))
            #expect(first.result == .accepted)
            let ours = try #require(first.caseNumber)
            let again = try receipt(try await client.send(Self.path, .post, body: message, key: nil))
            #expect(again.result == .duplicate)
            #expect(again.caseNumber == ours)

            let list = try await client.send("/v1/cases?direction=inbound&partner=henan-tongbai")
            let items = list.body.json["items"]?.arrayValue ?? []
            #expect(items.count == 1)
            let id = try #require(items.first?["id"]?.stringValue)
            #expect(items.first?["caseNumber"]?.stringValue == "TB2026112000118")
            #expect(items.first?["partnerCaseNumber"]?.stringValue == ours)
            #expect(try await harness.transfers(of: id).map(\.destination) == [Gateway.localDestination])

            let status: JSONValue = ["status": "accepted", "at": "2026-11-21T09:00:00+08:00", "opinion": "受理"]
            let reported = try await client.send("/v1/cases/\(id)/status", .post, body: status.bytes)
            #expect(reported.status == .accepted)
            #expect(reported.body.json["outcome"]?.stringValue == "applied")
            let back = try await harness.transfers(of: id).filter { $0.destination == "henan-tongbai" }
            #expect(back.count == 1)
            let text = try XMLCodec.canonicalForm(back[0].payload)
            #expect(text.contains("<YWLX>ZT</YWLX>"))
            #expect(text.contains("<ZTDM>02</ZTDM>"))
            #expect(text.contains("<YWLSH>\(ours)</YWLSH>"))

            // The sender's side withdraws; the gateway's side cannot withdraw a case it did not send.
            let withdraw = try await client.send("/v1/cases/\(id)/withdraw", .post, body: Array(#"{"reason": "x"}"#.utf8))
            #expect(withdraw.status == .conflict)
        }
    }

    static let utf8Case = "henan-tongbai/examples/inbound-case/07-utf8-temporary-id-passport-agent/input.xml"

    /// Tongbai's case 07 as a supplement (`BZ`) under a new message number, with `remarks` as its change.
    static func supplement(_ number: String, remarks: String) throws -> [UInt8] {
        let text = String(decoding: try PartnerFixtures.contract(utf8Case), as: UTF8.self)
            .replacingOccurrences(of: "<YWLX>SB</YWLX>", with: "<YWLX>BZ</YWLX>")
            .replacingOccurrences(of: "411330-20261120-SB-000140", with: number)
            .replacingOccurrences(of: "</SBXX>", with: "<BZ>\(remarks)</BZ></SBXX>")
        return Array(text.utf8)
    }

    @Test("KSTB supplements carry no version: the gateway numbers them, and a resent one is the same version")
    func supplementsAreNumbered() async throws {
        let harness = try await GatewayHarness()
        let original = try PartnerFixtures.contract(Self.utf8Case)
        try await harness.application().test(.router) { client in
            #expect(try receipt(try await client.send(Self.path, .post, body: original, key: nil)).result == .accepted)
            for (number, remarks) in [("411330-20261121-BZ-000001", "补交材料一"), ("411330-20261121-BZ-000002", "补交材料二"), ("411330-20261121-BZ-000003", "补交材料二")] {
                #expect(try receipt(try await client.send(Self.path, .post, body: try Self.supplement(number, remarks: remarks), key: nil)).result == .accepted)
            }
            let item = try #require(try await client.send("/v1/cases?direction=inbound").body.json["items"]?.arrayValue?.first)
            #expect(item["version"]?.integerValue == 3)
            let id = try #require(item["id"]?.stringValue)
            #expect(try await harness.transfers(of: id).map(\.kind) == [.case, .supplement, .supplement])
        }
    }

    @Test("a case for a matter outside the agreement gets JG=2")
    func unknownMatter() async throws {
        let harness = try await GatewayHarness()
        var text = String(decoding: try PartnerFixtures.contract("henan-tongbai/examples/inbound-case/07-utf8-temporary-id-passport-agent/input.xml"), as: UTF8.self)
        text = text.replacingOccurrences(of: #"<SXBM>[^<]*</SXBM>"#, with: "<SXBM>411330000ZZ9990001</SXBM>", options: .regularExpression)
        let message = Array(text.utf8)
        try await harness.application().test(.router) { client in
            let answer = try receipt(try await client.send(Self.path, .post, body: message, key: nil))
            #expect(answer.result == .matterNotInAgreement)
        }
        #expect(try await harness.caseCount() == 0)
    }
}
