import Foundation
import Testing
import TongbanCore
import TongbanTesting

/// The partners' own schemas and samples, as kept in their contract folders.
@Suite("JSONSchema with partner schemas")
struct JSONSchemaPartnerTests {
    static let partners = Repository.contracts

    private func load(_ path: String) throws -> JSONValue {
        try JSONParser.parse(Data(contentsOf: JSONSchemaPartnerTests.partners.appendingPathComponent(path)))
    }

    /// One step into a document: a member name or an array index.
    enum Step: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case key(String)
        case index(Int)

        init(stringLiteral value: String) { self = .key(value) }
        init(integerLiteral value: Int) { self = .index(value) }
    }

    /// `document` with the value at `path` replaced (nil removes a member).
    private func edited(_ document: JSONValue, _ path: [Step], _ replacement: JSONValue?) -> JSONValue {
        guard let step = path.first else { return replacement ?? document }
        let rest = Array(path.dropFirst())
        switch (document, step) {
        case (.object(var object), .key(let key)):
            object[key] = rest.isEmpty ? replacement : edited(object[key] ?? .null, rest, replacement)
            return .object(object)
        case (.array(var items), .index(let index)) where items.indices.contains(index):
            items[index] = edited(items[index], rest, replacement)
            return .array(items)
        default:
            Issue.record("no \(step) in the sample")
            return document
        }
    }

    // MARK: 枣阳 submit

    @Test func zaoyangSampleIsValid() throws {
        let schema = try JSONSchema(try load("hubei-zaoyang/submit.schema.json"))
        #expect(schema.validate(try load("hubei-zaoyang/sample-submit.json")).isEmpty)
    }

    @Test(arguments: [
        (["areacode"], nil, #"$: required property "areacode" is missing"#),
        (["servicecode"], "420683-RS-310-0002", #"$.servicecode: does not match pattern ^420683-[A-Z]{2,3}-\d{4}-\d{4}$"#),
        (["deliveryType"], "POST", #"$.deliveryType: is not one of "WINDOW", "EMS", "ONLINE""#),
        (["extra"], "x", "$.extra: property is not allowed (additionalProperties false)"),
        (["servicename"], .string(String(repeating: "养", count: 201)), "$.servicename: longer than 200 characters"),
        (["promiseDay"], 0, "$.promiseDay: less than the minimum 1"),
        (["promiseDay"], "15", "$.promiseDay: expected integer, found string"),
        (["agent"], 5, "$.agent: expected object or null, found integer"),
        (["agent"], ["name": "王五", "cardtype": "身份证"], #"$.agent: required property "cardnumber" is missing"#),
        (["materials", 1, "sha256"], "60303AE2", "$.materials[1].sha256: does not match pattern ^[0-9a-f]{64}$"),
        (["materials", 0, "type"], nil, #"$.materials[0]: required property "type" is missing"#),
        (["receiveDeptCode"], "11421321MB1834560I", "$.receiveDeptCode: does not match pattern ^[0-9A-HJ-NPQRTUWXY]{18}$"),
    ] as [([Step], JSONValue?, String)])
    func zaoyangBrokenVariants(path: [Step], replacement: JSONValue?, issue: String) throws {
        let schema = try JSONSchema(try load("hubei-zaoyang/submit.schema.json"))
        let broken = edited(try load("hubei-zaoyang/sample-submit.json"), path, replacement)
        #expect(!schema.isValid(broken))
        #expect(schema.validate(broken).map(\.description) == [issue])
    }

    @Test func zaoyangAcceptsWholeDoubleForInteger() throws {
        let schema = try JSONSchema(try load("hubei-zaoyang/submit.schema.json"))
        #expect(schema.isValid(edited(try load("hubei-zaoyang/sample-submit.json"), ["promiseDay"], .double(15.0))))
    }

    // MARK: 襄十随神 envelope

    @Test func xiangshisuishenSamplesAreValid() throws {
        let schema = try JSONSchema(try load("xiangshisuishen/envelope.schema.json"), formatAssertion: true)
        #expect(schema.validate(try load("xiangshisuishen/sample-case.json")).isEmpty)
        #expect(schema.validate(try load("xiangshisuishen/sample-status.json")).isEmpty)
    }

    @Test(arguments: [
        ("sample-case.json", ["header", "msg_id"], "5f0c6a2e", #"$.header.msg_id: does not match pattern ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"#),
        ("sample-case.json", ["header", "sent_at"], "2026-11-20 11:02", "$.header.sent_at: is not a valid date-time"),
        ("sample-case.json", ["body", "applicant", "cert_no"], "42030319880515221x", #"$.body.applicant.cert_no: does not match pattern ^[0-9A-Z]{6,18}$"#),
        ("sample-case.json", ["body", "attachments", 0, "digest"], "md5:00", #"$.body.attachments[0].digest: does not match pattern ^sha256:[0-9a-f]{64}$"#),
        ("sample-case.json", ["body", "limit", "unit"], "WEEK", #"$.body.limit.unit: is not one of "WORKDAY", "DAY", "HOUR""#),
        ("sample-status.json", ["body", "state"], "DONE", #"$.body.state: is not one of "RECEIVED", "ACCEPTED", "NEED_MORE", "REJECTED", "PROCESSING", "SUSPENDED", "APPROVED", "DENIED", "DELIVERED", "WITHDRAWN""#),
        ("sample-status.json", ["body", "result", "doc_name"], nil, #"$.body.result: required property "doc_name" is missing"#),
        ("sample-status.json", ["body"], "APPROVED", "$.body: matches none of the 2 alternatives of oneOf"),
    ] as [(String, [Step], JSONValue?, String)])
    func xiangshisuishenBrokenVariants(sample: String, path: [Step], replacement: JSONValue?, issue: String) throws {
        let schema = try JSONSchema(try load("xiangshisuishen/envelope.schema.json"), formatAssertion: true)
        let broken = edited(try load("xiangshisuishen/\(sample)"), path, replacement)
        #expect(schema.validate(broken).map(\.description) == [issue])
    }
}
