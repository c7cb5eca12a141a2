import Testing
import TongbanCore
import TongbanXML

@Suite struct ParseTests {
    let kstb = Fixture.kstbNamespace

    @Test func utf8SampleParsesToTheCase() throws {
        let tree = try XMLCodec.parse(Fixture.bytes("sample-case.xml"))
        #expect(tree.root.name == XMLQName("KSTB", namespace: kstb))
        #expect(tree.root.attribute(XMLQName("BBH")) == "2.1")
        #expect(tree.root.text == "")
        let case_ = try #require(tree.root.firstChild(named: XMLQName("SBXX", namespace: kstb)))
        #expect(case_.firstChild(named: XMLQName("SXMC", namespace: kstb))?.text == "户口迁移（迁入）")
        let office = try #require(case_.firstChild(named: XMLQName("SLDW", namespace: kstb)))
        #expect(office.text == "随县政务服务中心")
        #expect(office.attributes.map(\.name.local) == ["QHDM", "TYXYDM"])
        #expect(office.attribute(XMLQName("QHDM")) == "421321")
        let materials = case_.firstChild(named: XMLQName("CLLB", namespace: kstb))?.children ?? []
        #expect(materials.map { $0.attribute(XMLQName("LY")) } == ["DZZZ", "WJ"])
    }

    @Test func gb18030SampleParsesToTheSameTreeAsTheUTF8One() throws {
        let utf8 = try XMLCodec.parse(Fixture.bytes("sample-case.xml"))
        let gb18030 = try XMLCodec.parse(Fixture.bytes("sample-case.gb18030.xml"))
        #expect(gb18030.outline == utf8.outline)
        #expect(gb18030.outline.contains("王建国"))
    }

    @Test func textAndAttributesAreDecodedFromEntitiesAndCDATA() throws {
        let tree = try XMLCodec.parse(Array(#"<a x="&lt;&amp;&gt;&quot;&apos; &#x20000;"><b><![CDATA[<&>]]> &amp; more</b></a>"#.utf8))
        #expect(tree.root.attribute(XMLQName("x")) == "<&>\"' 𠀀")
        #expect(tree.root.children.first?.text == "<&> & more")
    }

    @Test func whitespaceBetweenElementsIsDroppedButLeafWhitespaceKept() throws {
        let tree = try XMLCodec.parse(Array("<a>\n  <b>  </b>\n  <!-- note -->\n  <c/>\n</a>".utf8))
        #expect(tree.root.text == "")
        #expect(tree.root.children.map(\.text) == ["  ", ""])
    }

    @Test func malformedXMLSaysTheLine() throws {
        let error = #expect(throws: XMLError.self) {
            try XMLCodec.parse(Array("<?xml version=\"1.0\"?>\n<a>\n  <b>text</c>\n</a>\n".utf8))
        }
        #expect(error?.line == 3)
        #expect(error?.description.hasPrefix("line 3: ") == true)
        #expect(error?.reason.contains("mismatch") == true)
    }

    @Test func undeclaredPrefixesAreRefused() throws {
        let error = #expect(throws: XMLError.self) { try XMLCodec.parse(Array("<a>\n<p:b/></a>".utf8)) }
        #expect(error?.line == 2)
    }

    @Test func emptyInputIsRefused() throws {
        #expect(throws: XMLError.self) { try XMLCodec.parse([UInt8]()) }
    }

    @Test func wrongBytesForTheDeclaredEncodingAreRefused() throws {
        // 王 in GB18030 (CD F5) is not UTF-8.
        let error = #expect(throws: XMLError.self) {
            try XMLCodec.parse([UInt8]("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>".utf8) + [0xCD, 0xF5] + Array("</a>".utf8))
        }
        #expect(error?.line == 2)
    }

    @Test func inputThatIsNotContiguousParsesToo() throws {
        let tree = try XMLCodec.parse("<a>一</a>".utf8)
        #expect(tree.root.text == "一")
    }
}
