import Testing
import TongbanCore
import TongbanXML

/// Inputs the `xml` fuzz target in `ops/fuzz/` found breaking an invariant. The inputs are also
/// in its corpus, `ops/fuzz/corpus/xml/`.
struct FuzzRegressionTests {
    /// `<ȨT/>` parsed (U+0228 is a name character in XML 1.0 fifth edition, which libxml2 parses
    /// by) but writing it back was refused, `"ȨT" is not an XML element name`, by libxml2's
    /// fourth-edition name check: no canonical form, so no readable diff in the console.
    @Test func aNameThatParsesIsWrittenBack() throws {
        let input: [UInt8] = [0x3C, 0xC8, 0xA8, 0x54, 0x2F, 0x3E]
        let canonical = try XMLCodec.canonicalForm(input)
        #expect(canonical.contains("<ȨT/>"))
        #expect(try XMLCodec.canonicalForm(Array(canonical.utf8)) == canonical)
    }

    /// Names XML does not allow are still refused, with the reason.
    @Test(arguments: ["·a", "a\u{2041}", "1a", "a:b"])
    func aNameXMLRefusesIsNotWritten(_ name: String) {
        let tree = XMLTree(root: XMLTree.Element(name: XMLQName(name)))
        #expect(throws: XMLError(reason: "\"\(name)\" is not an XML element name")) {
            try XMLCodec.serialize(tree, encoding: "UTF-8", prefixes: [:])
        }
    }
}
