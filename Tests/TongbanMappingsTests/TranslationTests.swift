import Foundation
import Testing
import TongbanCore
import TongbanMappings
import TongbanTesting
import TongbanXML

/// The translate flow end to end over the shipped mappings: what a window clerk and an
/// operator see when a case is good, bad, or not for this partner.
struct TranslationTests {
    static let context = TranslationContext(now: Timestamp.parseRFC3339("2026-11-20T09:31:02+08:00")!, uuid: "5f0c6a2e-8b1d-4c3a-9e7f-2d4b6a8c0e11")

    static let sample = CaseFixtures.sample

    func partner(_ name: String) throws -> PartnerMapping {
        try #require(try Repository.catalog().partner(named: name))
    }

    func issues(_ result: Result<[UInt8], ValidationFailure>) -> [String] {
        if case .failure(let failure) = result { return failure.issues.map(\.description) }
        return []
    }

    @Test func catalogHoldsTheThreePartnersAndSelectsByRegion() throws {
        let catalog = try Repository.catalog()
        #expect(catalog.partners.map(\.name) == ["henan-tongbai", "hubei-zaoyang", "xiangshisuishen"])
        #expect(catalog.partner(forRegion: "411330")?.name == "henan-tongbai")
        #expect(catalog.partner(forRegion: "420300")?.name == "xiangshisuishen")
        #expect(catalog.partner(forRegion: "110101") == nil)
        #expect(catalog.local.division == "421321")
    }

    @Test func theSampleCaseBecomesTongbaisGB18030Message() throws {
        // The partner's published sample is this case without remarks.
        let withoutRemarks = Self.sample.setting("remarks", nil)
        let bytes = try partner("henan-tongbai").translate(withoutRemarks.serialized(), direction: .outbound, kind: .case, context: Self.context).get()
        #expect(bytes.starts(with: Array(#"<?xml version="1.0" encoding="GB18030"?>"#.utf8)))
        let tree = try XMLCodec.parse(bytes)
        let sbxx = try #require(tree.root.firstChild(named: XMLQName("SBXX", namespace: "urn:ha:zwfw:kstb:2")))
        #expect(sbxx.firstChild(named: XMLQName("SXMC", namespace: "urn:ha:zwfw:kstb:2"))?.text == "户口迁移（迁入）")
        // The partner's own sample of this case, as sent on the wire, is the same document.
        let sample = try Data(contentsOf: Repository.contracts.appendingPathComponent("henan-tongbai/sample-case.gb18030.xml"))
        let ours = try XMLCodec.canonicalForm(bytes).replacingOccurrences(of: "5f0c6a2e-8b1d-4c3a-9e7f-2d4b6a8c0e11", with: "421321-20261120-000001-01")
        #expect(ours == (try XMLCodec.canonicalForm(Array(sample))))
    }

    /// The issue's acceptance case: four different mistakes, all listed by path in one answer.
    @Test func anInvalidCaseIsRefusedWithEveryProblemByPath() throws {
        var broken = Self.sample
        broken = broken.setting("applicant.idNumber", "429001198503120025")
        broken = broken.setting("matter.code", "421321ZZ9990001")
        broken = broken.setting("timeLimit.unit", nil)
        broken = broken.setting("acceptingOffice.divisionCode", "999999")
        let reported = issues(try partner("henan-tongbai").translate(broken.serialized(), direction: .outbound, kind: .case, context: Self.context))
        #expect(reported.count == 4, "\(reported)")
        #expect(reported.contains { $0.hasPrefix("$.applicant.idNumber: ") && $0.contains("check character") })
        #expect(reported.contains("$.matter.code: matter 421321ZZ9990001 is not in the agreement with handling region 411330 (henan-tongbai)"))
        #expect(reported.contains { $0.hasPrefix("$.timeLimit.unit: ") })
        #expect(reported.contains { $0.hasPrefix("$.acceptingOffice.divisionCode: ") })
    }

    @Test func aCaseForAnotherRegionIsNotTranslatedForThisPartner() throws {
        let reported = issues(try partner("hubei-zaoyang").translate(Self.sample.serialized(), direction: .outbound, kind: .case, context: Self.context))
        #expect(reported == ["$.handlingRegion: region 411330 is not covered by the agreement with 枣阳市政务服务和大数据管理局 (hubei-zaoyang: 420683)"])
    }

    @Test func brokenJSONSaysWhere() throws {
        let reported = issues(try partner("hubei-zaoyang").translate(Array("{\n  \"a\": }".utf8), direction: .outbound, kind: .case, context: Self.context))
        #expect(reported == ["$: invalid JSON at line 2, column 8: unexpected character"])
    }

    @Test func aMappingBugIsCaughtByThePartnerSchemaBeforeItLeaves() throws {
        // 1000-character remarks plus Zaoyang's hour note overflow memo's 1000-character limit.
        var overflowing = Self.sample.setting("handlingRegion", "420683").setting("matter.code", "421321BDC050003")
        overflowing = overflowing.setting("timeLimit", ["value": 4, "unit": "hour"]).setting("remarks", .string(String(repeating: "急", count: 1000)))
        let reported = issues(try partner("hubei-zaoyang").translate(overflowing.serialized(), direction: .outbound, kind: .case, context: Self.context))
        #expect(reported == ["$.memo: partner schema: longer than 1000 characters"])
    }

    @Test func inboundStatusOutOfTheVocabularyIsRefused() throws {
        let answer: JSONValue = ["code": 0, "msg": "ok", "data": ["unid": "ZY1", "projid": "SX1", "handlestate": "9", "statetime": "20261121143000"]]
        let reported = issues(try partner("hubei-zaoyang").translate(answer.serialized(), direction: .inbound, kind: .status, context: Self.context))
        #expect(reported.count == 1 && reported[0].hasPrefix("$.data.handlestate: partner schema: "))
    }

    @Test func loadErrorsAreAllReportedWithFileAndLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-mappings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Repository.mappings, to: folder)
        // Schemas are found relative to the mapping folder: point the copy at the real contracts.
        for name in ["henan-tongbai", "hubei-zaoyang", "xiangshisuishen"] {
            let agreement = folder.appendingPathComponent(name).appendingPathComponent("agreement.yaml")
            let text = try String(contentsOf: agreement, encoding: .utf8).replacingOccurrences(of: "../../contracts", with: Repository.contracts.path)
            try text.write(to: agreement, atomically: true, encoding: .utf8)
        }
        try "codes:\n  a: X\n  b: X\n".write(to: folder.appendingPathComponent("hubei-zaoyang/codes/extra.yaml"), atomically: true, encoding: .utf8)
        let mapping = folder.appendingPathComponent("xiangshisuishen/inbound-status.yaml")
        try (try String(contentsOf: mapping, encoding: .utf8)).replacingOccurrences(of: "  opinion: body.comment", with: "  opinion: body.comment |").write(to: mapping, atomically: true, encoding: .utf8)

        let errors = try #require(throws: MappingErrors.self) { try MappingCatalog.load(from: folder) }
        let lines = errors.errors.map(\.description)
        let name = folder.lastPathComponent
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.contains("\(name)/hubei-zaoyang/codes/extra.yaml:2:3: partner code 'X' stands for several local codes (a, b): say which one it means inbound under 'reverse:'"))
        #expect(lines.contains { $0.hasPrefix("\(name)/xiangshisuishen/inbound-status.yaml:") && $0.contains("expected a function call after '|'") })
    }
}

/// Refusals reach logs: values quoted by schema messages must not carry whole ID numbers.
struct RedactionTests {
    @Test func schemaMessagesDoNotQuoteWholeValues() throws {
        let partner = try #require(try Repository.catalog().partner(named: "henan-tongbai"))
        let sample = try String(contentsOf: Repository.contracts.appendingPathComponent("henan-tongbai/sample-case.xml"), encoding: .utf8)
        let broken = sample.replacingOccurrences(of: "<ZJHM>429001198503120020</ZJHM>", with: "<ZJHM>42900119850312002x</ZJHM>")
        let result = partner.translate(Array(broken.utf8), direction: .inbound, kind: .case, context: TranslationTests.context)
        guard case .failure(let failure) = result else { Issue.record("a lower-case x breaks the ZJHM pattern"); return }
        #expect(failure.issues.map(\.path) == ["/KSTB/SBXX/SQR/ZJHM"])
        #expect(failure.issues[0].reason.contains("The value '42…2x'"))
        #expect(!failure.issues[0].reason.contains("429001198503"))
    }
}
