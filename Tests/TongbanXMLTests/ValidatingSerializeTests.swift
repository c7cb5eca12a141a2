import Testing
import TongbanCore
import TongbanXML

@Suite struct ValidatingSerializeTests {
    static let schema: XSDSchema? = try? XSDSchema(bytes: Fixture.bytes("kstb-2.1.xsd"), name: "kstb-2.1.xsd")
    let prefixes = [Fixture.kstbNamespace: ""]

    func schema() throws -> XSDSchema { try #require(Self.schema) }

    func sample() throws -> XMLTree { try XMLCodec.parse(Fixture.bytes("sample-case.xml")) }

    func serialize(_ tree: XMLTree, encoding: String = "GB18030") throws -> Result<[UInt8], ValidationFailure> {
        try XMLCodec.serialize(tree, encoding: encoding, prefixes: prefixes, validatingWith: schema())
    }

    @Test(arguments: ["GB18030", "UTF-8"])
    func aValidTreeGivesTheDocumentThePlainSerializerWrites(encoding: String) throws {
        let tree = try sample()
        let bytes = try serialize(tree, encoding: encoding).get()
        #expect(bytes.starts(with: Array("<?xml version=\"1.0\" encoding=\"\(encoding)\"?>".utf8)))
        let plain = try XMLCodec.serialize(tree, encoding: encoding, prefixes: prefixes)
        #expect(try XMLCodec.canonicalForm(bytes) == XMLCodec.canonicalForm(plain))
        #expect(try schema().validate(bytes) == [])
    }

    @Test func aWrongIDTypeIsReportedAtItsElementAndNothingIsWritten() throws {
        var tree = try sample()
        tree.root.modify("SBXX", "SQR", "ZJLX") { $0.text = "111" }
        let issues = try #require(failureIssues(serialize(tree)))
        #expect(!issues.isEmpty)
        #expect(issues.allSatisfy { $0.path == "/KSTB/SBXX/SQR/ZJLX" })
        #expect(issues.first?.reason.contains("'111'") == true)
        #expect(issues.allSatisfy { !$0.reason.contains("(line") && !$0.reason.hasSuffix("\n") })
    }

    @Test func theIssuesAreThoseOfValidatingTheBytesWithoutLines() throws {
        var tree = try sample()
        tree.root.modify("SBXX", "CLLB") { $0.children[1].attributes = [(XMLQName("XH"), "2"), (XMLQName("LY"), "PDF")] }
        tree.root.modify("SBXX", "JGSDFS") { $0.text = "4" }
        tree.root.modify("SBXX", "SQR") { $0.children.remove(at: 2) }
        let issues = try #require(failureIssues(serialize(tree)))
        #expect(issues.contains { $0.path == "/KSTB/SBXX/CLLB/CL[2]" && $0.reason.contains("LY") })
        #expect(issues.contains { $0.path == "/KSTB/SBXX/JGSDFS" })
        #expect(issues.contains { $0.path == "/KSTB/SBXX/SQR/LXDH" && $0.reason.contains("Expected is ( {urn:ha:zwfw:kstb:2}ZJHM )") })

        let written = try XMLCodec.serialize(tree, encoding: "GB18030", prefixes: prefixes)
        let fromBytes = try schema().validate(written).map { issue in
            ValidationIssue(path: issue.path, reason: issue.reason.replacing(/\ \(line \d+\)$/, with: ""))
        }
        #expect(issues == fromBytes)
    }

    @Test func charactersOutsideTheBMPSurviveAndSpecialCharactersAreEscaped() throws {
        let special = #"<&>"' a&amp;b ]]>"#
        var tree = try sample()
        tree.root.modify("SBXX", "SQR", "MC") { $0.text = "𠀀𪚥 王建国" }
        tree.root.modify("SBXX") { $0.children.append(XMLTree.Element(name: XMLQName("BZ", namespace: Fixture.kstbNamespace), text: "𠀀 " + special)) }
        let bytes = try serialize(tree).get()

        #expect(bytes.contains([0x95, 0x32, 0x82, 0x36]))  // 𠀀 U+20000 in GB18030: four bytes
        #expect(!bytes.contains(Array("&#".utf8)))
        #expect(bytes.contains(Array("&lt;&amp;&gt;".utf8)))
        #expect(!bytes.contains(Array(special.utf8)))
        let reread = try XMLCodec.parse(bytes)
        #expect(reread.outline == tree.outline)
        #expect(reread.root.children[1].children.last?.text == "𠀀 " + special)
    }

    @Test func aValidationAfterAFailedOneIsJudgedOnItsOwn() throws {
        // Validation contexts are reused: one that just found issues must neither keep them nor
        // miss the next message's.
        let valid = try sample()
        var wrongType = valid
        wrongType.root.modify("SBXX", "SQR", "ZJLX") { $0.text = "111" }
        var wrongDelivery = valid
        wrongDelivery.root.modify("SBXX", "JGSDFS") { $0.text = "4" }
        for _ in 0..<3 {
            #expect(try failureIssues(serialize(valid)) == nil)
            let first = try #require(failureIssues(serialize(wrongType)))
            #expect(!first.isEmpty && first.allSatisfy { $0.path == "/KSTB/SBXX/SQR/ZJLX" })
            let second = try #require(failureIssues(serialize(wrongDelivery)))
            #expect(!second.isEmpty && second.allSatisfy { $0.path == "/KSTB/SBXX/JGSDFS" })
            #expect(try schema().validate(XMLCodec.serialize(wrongType, encoding: "UTF-8", prefixes: prefixes)).map(\.path).allSatisfy { $0 == "/KSTB/SBXX/SQR/ZJLX" })
        }
    }

    @Test func mistakesInTheTreeAreStillErrors() throws {
        var unprefixed = try sample()
        unprefixed.root.modify("SBXX") { $0.children.append(XMLTree.Element(name: XMLQName("X", namespace: "urn:example:other"))) }
        let error = #expect(throws: XMLError.self) { try serialize(unprefixed) }
        #expect(error?.reason.contains("no prefix") == true)

        var bell = try sample()
        bell.root.modify("SBXX", "SQR", "MC") { $0.text = "bell \u{7}" }
        #expect(throws: XMLError.self) { try serialize(bell) }
        #expect(throws: XMLError.self) { try serialize(sample(), encoding: "NO-SUCH-ENCODING") }
    }

    @Test func serializingIsSafeFromManyTasksAtOnce() async throws {
        let schema = try schema()
        let prefixes = prefixes
        let valid = try sample()
        var invalid = valid
        invalid.root.modify("SBXX", "SQR", "ZJLX") { $0.text = "111" }
        let expected = try XMLCodec.serialize(valid, encoding: "GB18030", prefixes: prefixes)
        let failures = await withTaskGroup(of: Int.self) { [invalid] group in
            for task in 0..<8 {
                group.addTask {
                    var failures = 0
                    for round in 0..<50 {
                        let expectsValid = (task + round) % 2 == 0
                        let result = try? XMLCodec.serialize(expectsValid ? valid : invalid, encoding: "GB18030", prefixes: prefixes, validatingWith: schema)
                        let correct = switch result {
                        case .success(let bytes): expectsValid && bytes == expected
                        case .failure(let failure): !expectsValid && failure.issues.first?.path == "/KSTB/SBXX/SQR/ZJLX"
                        case nil: false
                        }
                        if !correct { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    private func failureIssues(_ result: Result<[UInt8], ValidationFailure>) -> [ValidationIssue]? {
        guard case .failure(let failure) = result else { return nil }
        return failure.issues
    }
}

extension XMLTree.Element {
    /// Changes the descendant reached through the first child of each local name in `path`.
    mutating func modify(_ path: String..., change: (inout XMLTree.Element) -> Void) {
        modify(path[...], change: change)
    }

    private mutating func modify(_ path: ArraySlice<String>, change: (inout XMLTree.Element) -> Void) {
        guard let local = path.first else { return change(&self) }
        guard let index = children.firstIndex(where: { $0.name.local == local }) else {
            Issue.record("\(name) has no child \(local)")
            return
        }
        children[index].modify(path.dropFirst(), change: change)
    }
}
