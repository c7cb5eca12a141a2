import Testing
import TongbanCore
import TongbanXML

/// `DocumentWriter` must write exactly what libxml2 writes. libxml2 still writes every encoding
/// but the two exact names "UTF-8" and "GB18030", so the same encodings spelled in lower case
/// give libxml2's own bytes (behind a declaration naming them in lower case) to compare with.
@Suite struct DocumentWriterTests {
    let kstb = Fixture.kstbNamespace

    /// The body of `serialize(tree)` in `encoding`, written by DocumentWriter and by libxml2.
    func bothWritings(_ tree: XMLTree, encoding: String, prefixes: [String: String]) throws -> (writer: [UInt8], libxml2: [UInt8]) {
        let writer = try XMLCodec.serialize(tree, encoding: encoding, prefixes: prefixes)
        let libxml2 = try XMLCodec.serialize(tree, encoding: encoding.lowercased(), prefixes: prefixes)
        let declaration = Array("<?xml version=\"1.0\" encoding=\"\(encoding)\"?>\n".utf8)
        let lowerDeclaration = Array("<?xml version=\"1.0\" encoding=\"\(encoding.lowercased())\"?>\n".utf8)
        #expect(writer.starts(with: declaration))
        #expect(libxml2.starts(with: lowerDeclaration))
        return (Array(writer.dropFirst(declaration.count)), Array(libxml2.dropFirst(lowerDeclaration.count)))
    }

    @Test(arguments: ["UTF-8", "GB18030"])
    func theSampleIsWrittenAsLibXML2WritesIt(encoding: String) throws {
        let tree = try XMLCodec.parse(Fixture.bytes("sample-case.xml"))
        let written = try bothWritings(tree, encoding: encoding, prefixes: [kstb: ""])
        #expect(written.writer == written.libxml2)
    }

    @Test(arguments: ["UTF-8", "GB18030"])
    func everyRuleIsLibXML2s(encoding: String) throws {
        let special = "<&>\"' a&amp;b ]]> tab\tend\r\ncr \u{80}€ 王 𠀀𪚥 \u{FFFD}\u{E000}"
        let other = "urn:example:other"
        let tree = XMLTree(root: XMLTree.Element(
            name: XMLQName("根", namespace: kstb),
            attributes: [(XMLQName("v"), special), (XMLQName("lang", namespace: "http://www.w3.org/XML/1998/namespace"), "zh"), (XMLQName("o", namespace: other), "")],
            children: [
                XMLTree.Element(name: XMLQName("empty", namespace: kstb)),
                XMLTree.Element(name: XMLQName("onlyAttributes", namespace: kstb), attributes: [(XMLQName("a"), "1"), (XMLQName("b"), "名")]),
                XMLTree.Element(name: XMLQName("text", namespace: kstb), text: special),
                XMLTree.Element(name: XMLQName("unqualified"), children: [XMLTree.Element(name: XMLQName("inner"), text: "x")]),
                XMLTree.Element(name: XMLQName("prefixed", namespace: other), children: [XMLTree.Element(name: XMLQName("default", namespace: kstb), text: "y")]),
                XMLTree.Element(name: XMLQName("mixed", namespace: kstb), children: [XMLTree.Element(name: XMLQName("a", namespace: kstb))], text: "before"),
            ]
        ))
        let written = try bothWritings(tree, encoding: encoding, prefixes: [kstb: "", other: "o"])
        #expect(written.writer == written.libxml2)
    }

    @Test(arguments: ["UTF-8", "GB18030"], ["urn:a\"b", "urn:a\"b'c", "urn:a'b&c<d"])
    func namespaceURIsAreQuotedAsLibXML2QuotesThem(encoding: String, uri: String) throws {
        let tree = XMLTree(root: XMLTree.Element(name: XMLQName("r", namespace: uri), children: [XMLTree.Element(name: XMLQName("c", namespace: "urn:p\"q"))]))
        let written = try bothWritings(tree, encoding: encoding, prefixes: [uri: "", "urn:p\"q": "p"])
        #expect(written.writer == written.libxml2)
    }
}
