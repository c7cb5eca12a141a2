import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
import TongbanGateway
import TongbanPartners
import TongbanStorage
import TongbanTesting

/// Attack inputs at the gateway's front doors, through the whole HTTP stack: each is refused with
/// a clear answer naming the problem, and nothing is stored. The windows' API answers 4xx
/// problems; 桐柏's KSTB endpoint answers HTTP 200 with a `JG=1` receipt, because its interface
/// document says every POST is answered so.
@Suite("Hostile input is refused, nothing stored")
struct HostileInputTests {
    static let sampleText = CaseFixtures.sampleText

    /// The sample case with `old` replaced by `new` in its JSON text.
    static func sample(replacing old: String, with new: String) -> [UInt8] {
        precondition(sampleText.contains(old), "the sample has no \(old)")
        return Array(sampleText.replacingOccurrences(of: old, with: new).utf8)
    }

    static func refusedCase(_ body: [UInt8], expecting status: HTTPResponse.Status = .unprocessableContent,
                            mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            let answer = try await client.send("/v1/cases", .post, body: body)
            #expect(answer.status == status, "\(answer.body.text)", sourceLocation: sourceLocation)
            #expect(answer.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
            for word in words { #expect(answer.body.text.contains(word), "no \(word) in \(answer.body.text)", sourceLocation: sourceLocation) }
        }
        #expect(try await harness.caseCount() == 0, sourceLocation: sourceLocation)
    }

    @Test("JSON nested 100,000 deep is a clear 4xx, not a crash")
    func deepJSON() async throws {
        let body = Array(String(repeating: "[", count: 100_000).utf8) + Array(String(repeating: "]", count: 100_000).utf8)
        try await Self.refusedCase(body, mentioning: ["nest"])
    }

    @Test("a duplicate key is refused, naming it")
    func duplicateKey() async throws {
        try await Self.refusedCase(Self.sample(replacing: #""remarks": "加急""#, with: #""remarks": "加急", "remarks": "不急""#),
                                   mentioning: ["remarks", "duplicate"])
    }

    @Test("invalid UTF-8 is refused")
    func invalidUTF8() async throws {
        var body = Self.sample(replacing: "加急", with: "X")
        let index = try #require(body.firstIndex(of: UInt8(ascii: "X")))
        body[index] = 0xC3 // a lead byte without its continuation
        try await Self.refusedCase(body, mentioning: ["UTF-8"])
    }

    @Test("NUL and control characters in text fields are refused, naming the field", arguments: ["\\u0000", "\\u0007", "\\u001b[31m"])
    func controlCharacters(escaped: String) async throws {
        try await Self.refusedCase(Self.sample(replacing: "王建国", with: "王\(escaped)建国"), mentioning: ["$.applicant.name", "control character"])
    }

    @Test("numbers out of range are refused, naming the field", arguments: ["1e400", "99999999999999999999", "-1", "1.5"])
    func numbersOutOfRange(number: String) async throws {
        // Beyond a double the JSON itself is refused, at the number's line and column.
        let words = number == "1e400" ? ["out of range", "line 3, column 14"] : ["$.version"]
        try await Self.refusedCase(Self.sample(replacing: #""version": 1"#, with: #""version": \#(number)"#), mentioning: words)
    }

    @Test("full-width digits or spaces inside an ID number are refused with a message that says so", arguments: ["４２９００１１９８５０３１２００２０", "429001 198503120020", "429001　198503120020"])
    func fullWidthIDNumbers(idNumber: String) async throws {
        try await Self.refusedCase(Self.sample(replacing: #""idNumber": "429001198503120020""#, with: #""idNumber": "\#(idNumber)""#),
                                   mentioning: ["$.applicant.idNumber", idNumber.contains(" ") || idNumber.contains("　") ? "space" : "full-width"])
    }

    @Test("CR or LF in a case number (which ends up in the Location header) is refused")
    func headerInjection() async throws {
        try await Self.refusedCase(Self.sample(replacing: "SX2026112000001", with: "SX2026112000001\\r\\nSet-Cookie: x=1"),
                                   mentioning: ["$.caseNumber"])
    }

    @Test("a body over the limit is 413 and nothing is stored")
    func oversizeBody() async throws {
        let harness = try await GatewayHarness()
        let limit = harness.gateway.configuration.maxBodyBytes
        let body = Self.sample(replacing: "加急", with: String(repeating: "急", count: limit / 3 + 1))
        try await harness.application().test(.router) { client in
            let answer = try await client.send("/v1/cases", .post, body: body)
            #expect(answer.status == .contentTooLarge)
        }
        #expect(try await harness.caseCount() == 0)
    }

    @Test("SQL metacharacters in every filter are data, not SQL; oversize and malformed cursors are 400",
          arguments: ["caseNumber", "partner", "status", "cursor"])
    func filters(parameter: String) async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            #expect(try await client.send("/v1/cases", .post, body: CaseFixtures.sample.bytes).status == .accepted)
            for value in ["' OR '1'='1", "x'; DROP TABLE cases; --", "%' OR 1=1 --", String(repeating: "A", count: 10_000)] {
                let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let answer = try await client.send("/v1/cases?\(parameter)=\(encoded)")
                if parameter == "caseNumber" || parameter == "partner" {
                    #expect(answer.status == .ok && answer.body.json["items"]?.arrayValue?.isEmpty == true, "\(parameter)=\(value): \(answer.body.text)")
                } else {
                    #expect(answer.status == .badRequest, "\(parameter)=\(value): \(answer.status)")
                    #expect(answer.body.text.contains(parameter))
                }
            }
        }
        #expect(try await harness.caseCount() == 1, "the table is still there, with its one case")
    }

    // MARK: 桐柏's KSTB endpoint (XML, GB18030)

    static func kstbRefusal(_ xml: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> KSTBReceipt {
        let harness = try await GatewayHarness()
        let body = try await harness.application().test(.router) { client in
            let answer = try await client.send(KSTBEndpointTests.path, .post, body: Array(xml.utf8), key: nil,
                                               headers: [.contentType: "application/xml"])
            #expect(answer.status == .ok, sourceLocation: sourceLocation)
            return answer.body
        }
        #expect(try await harness.caseCount() == 0, sourceLocation: sourceLocation)
        let parsed = try #require(KSTBReceipt.parse(body), sourceLocation: sourceLocation)
        #expect(parsed.result == .malformed, "\(parsed)", sourceLocation: sourceLocation)
        return parsed
    }

    @Test("an external entity or DTD is never fetched: JG=1")
    func externalEntity() async throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE KSTB [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <KSTB BBH="2.1"><BWT><BWBH>&xxe;</BWBH><YWLX>SB</YWLX></BWT></KSTB>
        """
        let receipt = try await Self.kstbRefusal(xml)
        #expect(!receipt.message.contains("root:"))
    }

    @Test("entity expansion bombs are refused: billion laughs and quadratic blow-up")
    func entityBombs() async throws {
        var laughs = #"<!ENTITY l0 "ha">"#
        for level in 1...9 { laughs += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">" }
        _ = try await Self.kstbRefusal(#"<?xml version="1.0"?><!DOCTYPE KSTB [\#(laughs)]><KSTB BBH="2.1"><BWT><BWBH>&l9;</BWBH></BWT></KSTB>"#)
        let big = String(repeating: "x", count: 50_000)
        let quadratic = #"<?xml version="1.0"?><!DOCTYPE KSTB [<!ENTITY a "\#(big)">]><KSTB BBH="2.1"><BWT><BWBH>"#
            + String(repeating: "&a;", count: 2_000) + "</BWBH></BWT></KSTB>"
        _ = try await Self.kstbRefusal(quadratic)
    }

    @Test("XML nested 100,000 deep is refused, not a crash")
    func deepXML() async throws {
        let xml = #"<?xml version="1.0"?><KSTB BBH="2.1">"# + String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000) + "</KSTB>"
        _ = try await Self.kstbRefusal(xml)
    }

    @Test("invalid GB18030 bytes are refused")
    func invalidGB18030() async throws {
        let harness = try await GatewayHarness()
        var body = Array(#"<?xml version="1.0" encoding="GB18030"?><KSTB BBH="2.1"><BWT><BWBH>"#.utf8)
        body += [0x81, 0x20, 0xFF, 0x30] // a lead byte followed by bytes no GB18030 sequence allows
        body += Array("</BWBH><YWLX>SB</YWLX></BWT></KSTB>".utf8)
        let sent = body
        try await harness.application().test(.router) { client in
            let answer = try await client.send(KSTBEndpointTests.path, .post, body: sent, key: nil, headers: [.contentType: "application/xml"])
            #expect(KSTBReceipt.parse(answer.body)?.result == .malformed, "\(answer.body.text)")
        }
        #expect(try await harness.caseCount() == 0)
    }
}
