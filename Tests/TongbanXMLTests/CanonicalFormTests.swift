import Testing
import TongbanCore
import TongbanXML

@Suite struct CanonicalFormTests {
    @Test func encodingPrologWhitespaceAttributeOrderAndPrefixesDoNotMatter() throws {
        let utf8 = try XMLCodec.canonicalForm(Fixture.bytes("sample-case.xml"))
        #expect(try XMLCodec.canonicalForm(Fixture.bytes("sample-case.gb18030.xml")) == utf8)

        let reshaped = try Fixture.text("sample-case.xml")
            .replacingOccurrences(of: #"<?xml version="1.0" encoding="UTF-8"?>"#, with: "")
            .replacingOccurrences(of: "\n    ", with: "\n\t")
            .replacingOccurrences(of: #"QHDM="421321" TYXYDM="11421321MB1834560Y""#, with: #"TYXYDM="11421321MB1834560Y"  QHDM="421321""#)
            .replacingOccurrences(of: "<KSTB xmlns=\"urn:ha:zwfw:kstb:2\"", with: "<k:KSTB xmlns:k=\"urn:ha:zwfw:kstb:2\"")
            .replacingOccurrences(of: "</KSTB>", with: "</k:KSTB>")
            .replacingOccurrences(of: "<SBXX>", with: "<k:SBXX xmlns=\"urn:ha:zwfw:kstb:2\">").replacingOccurrences(of: "</SBXX>", with: "</k:SBXX>")
            .replacingOccurrences(of: "<BWT>", with: "<k:BWT xmlns=\"urn:ha:zwfw:kstb:2\">").replacingOccurrences(of: "</BWT>", with: "</k:BWT>")
        #expect(try XMLCodec.canonicalForm(Array(reshaped.utf8)) == utf8)
    }

    @Test func namespacesMatter() throws {
        let canonical = try XMLCodec.canonicalForm(Fixture.bytes("sample-receipt.xml"))
        let unqualified = try Fixture.text("sample-receipt.xml").replacingOccurrences(of: #" xmlns="urn:ha:zwfw:kstb:2""#, with: "")
        #expect(try XMLCodec.canonicalForm(Array(unqualified.utf8)) != canonical)
    }

    @Test func anyChangedValueMatters() throws {
        let original = try Fixture.text("sample-case.xml")
        let canonical = try XMLCodec.canonicalForm(Array(original.utf8))
        for (from, to) in [("<ZJLX>10</ZJLX>", "<ZJLX>11</ZJLX>"), (#"DW="G""#, #"DW="Z""#), ("王建国", "王建图"), ("<YS>2</YS>", "<YS>2</YS><YS>2</YS>")] {
            let changed = original.replacingOccurrences(of: from, with: to)
            #expect(changed != original)
            #expect(try XMLCodec.canonicalForm(Array(changed.utf8)) != canonical, "\(from) → \(to)")
        }
    }

    @Test func theCanonicalFormIsReadableXMLOfTheSameTree() throws {
        let canonical = try XMLCodec.canonicalForm(Fixture.bytes("sample-case.gb18030.xml"))
        #expect(canonical.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<KSTB xmlns=\"urn:ha:zwfw:kstb:2\" BBH=\"2.1\">\n  <BWT>\n"))
        #expect(canonical.contains(#"<SLDW QHDM="421321" TYXYDM="11421321MB1834560Y">随县政务服务中心</SLDW>"#))
        #expect(try XMLCodec.canonicalForm(Array(canonical.utf8)) == canonical)
    }
}
