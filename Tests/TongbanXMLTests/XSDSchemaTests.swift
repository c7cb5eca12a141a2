import Testing
import TongbanCore
import TongbanXML

@Suite struct XSDSchemaTests {
    static let schema: XSDSchema? = try? XSDSchema(bytes: Fixture.bytes("kstb-2.1.xsd"), name: "kstb-2.1.xsd")

    func schema() throws -> XSDSchema { try #require(Self.schema) }

    @Test(arguments: ["sample-case.xml", "sample-case.gb18030.xml", "sample-status.xml", "sample-receipt.xml"])
    func samplesAreValid(name: String) throws {
        #expect(try schema().validate(Fixture.bytes(name)) == [])
    }

    @Test func aWrongIDTypeIsReportedAtItsElement() throws {
        let document = try Fixture.text("sample-case.xml").replacingOccurrences(of: "<ZJLX>10</ZJLX>", with: "<ZJLX>111</ZJLX>")
        let issues = try schema().validate(Array(document.utf8))
        #expect(!issues.isEmpty)
        #expect(issues.allSatisfy { $0.path == "/KSTB/SBXX/SQR/ZJLX" })
        #expect(issues.first?.reason.contains("'111'") == true)
        #expect(issues.first?.reason.hasSuffix("(line 17)") == true)
        #expect(issues.allSatisfy { !$0.reason.hasSuffix("\n") })
    }

    @Test func aMissingRequiredElementIsReportedWhereItShouldBe() throws {
        // libxml2 reports a missing element at the next sibling, or at the parent when it was last.
        let withoutIDNumber = try Fixture.text("sample-case.xml").replacingOccurrences(of: "<ZJHM>429001198503120020</ZJHM>", with: "")
        let issues = try schema().validate(Array(withoutIDNumber.utf8))
        #expect(issues.count == 1)
        #expect(issues.first?.path == "/KSTB/SBXX/SQR/LXDH")
        #expect(issues.first?.reason.contains("Expected is ( {urn:ha:zwfw:kstb:2}ZJHM )") == true)

        let withoutType = try Fixture.text("sample-case.xml").replacingOccurrences(of: "<YWLX>SB</YWLX>", with: "")
        let lastIssues = try schema().validate(Array(withoutType.utf8))
        #expect(lastIssues.map(\.path) == ["/KSTB/BWT"])
        #expect(lastIssues.first?.reason.contains("Missing child element(s). Expected is ( {urn:ha:zwfw:kstb:2}YWLX )") == true)
    }

    @Test func everyIssueIsReportedWithPositionsAmongNamesakes() throws {
        let document = try Fixture.text("sample-case.xml")
            .replacingOccurrences(of: #"<CL XH="2" LY="WJ">"#, with: #"<CL XH="2" LY="PDF">"#)
            .replacingOccurrences(of: "<JGSDFS>2</JGSDFS>", with: "<JGSDFS>4</JGSDFS>")
        let issues = try schema().validate(Array(document.utf8))
        #expect(issues.contains { $0.path == "/KSTB/SBXX/CLLB/CL[2]" && $0.reason.contains("LY") })
        #expect(issues.contains { $0.path == "/KSTB/SBXX/JGSDFS" })
    }

    @Test func unparsableDocumentsAreOneIssueWithTheLine() throws {
        let issues = try schema().validate(Array("<KSTB xmlns=\"urn:ha:zwfw:kstb:2\">\n<BWT>\n</KSTB>".utf8))
        #expect(issues.count == 1)
        #expect(issues.first?.path == "/")
        #expect(issues.first?.reason.hasPrefix("line 3: ") == true)
    }

    @Test func validationIsSafeFromManyTasksAtOnce() async throws {
        let schema = try schema()
        let valid = try Fixture.bytes("sample-case.gb18030.xml")
        let invalid = Array(try Fixture.text("sample-case.xml").replacingOccurrences(of: "<ZJLX>10</ZJLX>", with: "<ZJLX>111</ZJLX>").utf8)
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var failures = 0
                    for round in 0..<50 {
                        let expectsValid = (task + round) % 2 == 0
                        let issues = schema.validate(expectsValid ? valid : invalid)
                        let correct = expectsValid ? issues.isEmpty : issues.first?.path == "/KSTB/SBXX/SQR/ZJLX"
                        if !correct { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    @Test func schemasMustBeSelfContained() throws {
        let including = #"""
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
          <xs:include schemaLocation="file:///etc/passwd"/>
          <xs:element name="a" type="xs:string"/>
        </xs:schema>
        """#
        let error = #expect(throws: XMLError.self) { try XSDSchema(bytes: Array(including.utf8), name: "including.xsd") }
        #expect(error?.reason.hasPrefix("including.xsd: ") == true)
        #expect(error?.description.contains("root:") == false)
    }

    @Test func brokenSchemasSayWhere() throws {
        let broken = "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n  <xs:element name=\"a\" type=\"xs:nonsense\"/>\n</xs:schema>"
        let error = #expect(throws: XMLError.self) { try XSDSchema(bytes: Array(broken.utf8), name: "broken.xsd") }
        #expect(error?.line == 2)
        #expect(error?.reason.hasPrefix("broken.xsd: ") == true)
    }
}
