import Testing
import TongbanCore
import TongbanXML

@Suite struct SerializeTests {
    let kstb = Fixture.kstbNamespace
    var prefixes: [String: String] { [kstb: ""] }

    @Test(arguments: ["UTF-8", "GB18030"], [false, true])
    func sampleRoundTrips(encoding: String, indent: Bool) throws {
        let tree = try XMLCodec.parse(Fixture.bytes("sample-case.xml"))
        let bytes = try XMLCodec.serialize(tree, encoding: encoding, prefixes: prefixes, indent: indent)
        #expect(bytes.starts(with: Array("<?xml version=\"1.0\" encoding=\"\(encoding)\"?>".utf8)))
        #expect(try XMLCodec.parse(bytes).outline == tree.outline)
    }

    @Test func gb18030OutputIsGB18030AndKeepsCharactersOutsideTheBMP() throws {
        var tree = try XMLCodec.parse(Fixture.bytes("sample-case.xml"))
        tree.root.children.append(XMLTree.Element(name: XMLQName("BZ", namespace: kstb), attributes: [(XMLQName("Y"), "𠀀𪚥")], text: "𠀀 王建国 €"))
        let bytes = try XMLCodec.serialize(tree, encoding: "GB18030", prefixes: prefixes)

        #expect(bytes.starts(with: Array(#"<?xml version="1.0" encoding="GB18030"?>"#.utf8)))
        #expect(bytes.contains([0x95, 0x32, 0x82, 0x36]))  // 𠀀 U+20000 in GB18030: four bytes
        #expect(bytes.contains([0xCD, 0xF5, 0xBD, 0xA8, 0xB9, 0xFA]))  // 王建国
        #expect(!bytes.contains(Array("王".utf8)))
        #expect(!bytes.contains(Array("&#".utf8)))  // no character references: GB18030 covers all of Unicode

        let reread = try XMLCodec.parse(bytes)
        #expect(reread.outline == tree.outline)
        let note = try #require(reread.root.children.last)
        #expect(note.text == "𠀀 王建国 €")
        #expect(note.attribute(XMLQName("Y")) == "𠀀𪚥")
    }

    @Test(arguments: ["UTF-8", "GB18030"])
    func specialCharactersAreEscapedAndRoundTrip(encoding: String) throws {
        let special = #"<&>"' a&amp;b ]]> tab\#tend"#
        let tree = XMLTree(root: XMLTree.Element(
            name: XMLQName("a"),
            attributes: [(XMLQName("v"), special + "\n2nd line"), (XMLQName("w"), "'single'")],
            children: [XMLTree.Element(name: XMLQName("b"), text: special + "\r\n")]
        ))
        let bytes = try XMLCodec.serialize(tree, encoding: encoding, prefixes: [:])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("&lt;&amp;&gt;"))
        #expect(!text.contains(special))
        #expect(try XMLCodec.parse(bytes).outline == tree.outline)
    }

    @Test func namespacesGetTheirPrefixesAndAreDeclaredOnTheRoot() throws {
        let other = "urn:example:other"
        let tree = XMLTree(root: XMLTree.Element(
            name: XMLQName("KSTB", namespace: kstb),
            attributes: [(XMLQName("BBH"), "2.1"), (XMLQName("ref", namespace: other), "1"), (XMLQName("lang", namespace: "http://www.w3.org/XML/1998/namespace"), "zh")],
            children: [
                XMLTree.Element(name: XMLQName("BWT", namespace: kstb), children: [XMLTree.Element(name: XMLQName("X", namespace: other), text: "x")]),
                XMLTree.Element(name: XMLQName("plain"), children: [XMLTree.Element(name: XMLQName("BWT", namespace: kstb))]),
            ]
        ))
        let bytes = try XMLCodec.serialize(tree, encoding: "UTF-8", prefixes: [kstb: "", other: "o"])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#"<KSTB xmlns="urn:ha:zwfw:kstb:2" xmlns:o="urn:example:other" BBH="2.1" o:ref="1" xml:lang="zh">"#))
        #expect(text.contains("<o:X>x</o:X>"))
        #expect(text.contains(#"<plain xmlns=""><BWT xmlns="urn:ha:zwfw:kstb:2"/></plain>"#))
        #expect(try XMLCodec.parse(bytes).outline == tree.outline)

        let prefixed = try XMLCodec.serialize(tree, encoding: "UTF-8", prefixes: [kstb: "k", other: "o"])
        #expect(String(decoding: prefixed, as: UTF8.self).contains(#"<k:KSTB xmlns:k="urn:ha:zwfw:kstb:2" xmlns:o="urn:example:other""#))
        #expect(try XMLCodec.parse(prefixed).outline == tree.outline)
    }

    @Test func indentationIsForPeopleOnly() throws {
        let tree = try XMLCodec.parse(Fixture.bytes("sample-receipt.xml"))
        let text = String(decoding: try XMLCodec.serialize(tree, encoding: "UTF-8", prefixes: prefixes, indent: true), as: UTF8.self)
        #expect(text.contains("\n  <BWBH>421321-20261120-000001-01</BWBH>\n"))
    }

    @Test func mistakesInTheTreeAreErrorsNotMalformedOutput() throws {
        func serialize(_ root: XMLTree.Element, prefixes: [String: String] = [:], encoding: String = "UTF-8") -> XMLError? {
            #expect(throws: XMLError.self) { try XMLCodec.serialize(XMLTree(root: root), encoding: encoding, prefixes: prefixes) }
        }
        #expect(serialize(XMLTree.Element(name: XMLQName("a", namespace: kstb)))?.reason.contains("no prefix") == true)
        #expect(serialize(XMLTree.Element(name: XMLQName("a b")))?.reason.contains("not an XML element name") == true)
        #expect(serialize(XMLTree.Element(name: XMLQName("a"), text: "bell \u{7}"))?.reason.contains("U+0007") == true)
        #expect(serialize(XMLTree.Element(name: XMLQName("a"), attributes: [(XMLQName("v"), "\u{FFFF}")])) != nil)
        #expect(serialize(XMLTree.Element(name: XMLQName("a"), attributes: [(XMLQName("v"), "1"), (XMLQName("v"), "2")]))?.reason.contains("twice") == true)
        #expect(serialize(XMLTree.Element(name: XMLQName("a"), attributes: [(XMLQName("v", namespace: kstb), "1")]), prefixes: [kstb: ""])?.reason.contains("non-empty prefix") == true)
        #expect(serialize(XMLTree.Element(name: XMLQName("a", namespace: kstb)), prefixes: [kstb: "1x"]) != nil)
        #expect(serialize(XMLTree.Element(name: XMLQName("a")), encoding: "NO-SUCH-ENCODING") != nil)
        #expect(serialize(XMLTree.Element(name: XMLQName("a", namespace: ""))) != nil)
        // A namespace name is written into the message too, default or prefixed.
        let bell = "urn:a\u{7}"
        #expect(serialize(XMLTree.Element(name: XMLQName("a", namespace: bell)), prefixes: [bell: ""])?.reason.contains("U+0007") == true)
        #expect(serialize(XMLTree.Element(name: XMLQName("a", namespace: bell)), prefixes: [bell: "k"])?.reason.contains("U+0007") == true)
    }

    @Test func namesAndCharactersAreCheckedExactly() throws {
        func accepts(_ name: String, text: String = "") -> Bool {
            (try? XMLCodec.serialize(XMLTree(root: XMLTree.Element(name: XMLQName(name), text: text)), encoding: "GB18030", prefixes: [:])) != nil
        }
        for name in ["a", "_x.y-z9", "申请人", "MC申请人", "é"] { #expect(accepts(name), "\(name)") }
        for name in ["", "9a", "-a", "a:b", "a b", "申 请", "1申", "a\u{0}b", "é\u{0}b", "a\u{3000}"] { #expect(!accepts(name), "\(name)") }
        for text in ["\t\n\r", "\u{FFFD}\u{FFF0}", "\u{10FFFF}", "𠀀"] { #expect(accepts("a", text: text), "\(text.debugDescription)") }
        for text in ["\u{0}", "x\u{1F}", "\u{FFFE}", "x\u{FFFF}y"] { #expect(!accepts("a", text: text), "\(text.debugDescription)") }
        let error = #expect(throws: XMLError.self) {
            try XMLCodec.serialize(XMLTree(root: XMLTree.Element(name: XMLQName("a"), text: "王\u{FFFE}")), encoding: "UTF-8", prefixes: [:])
        }
        #expect(error?.reason.contains("U+FFFE") == true)
    }
}
