import Testing
@testable import TongbanCore

/// The parser every case goes through: strict, and precise about where input is broken.
struct JSONParserTests {
    func failure(_ text: String) -> JSONParseError? {
        do { _ = try JSONParser.parse(text); return nil } catch { return error }
    }

    @Test func parsesAndKeepsMemberOrderAndIntegerness() throws {
        let value = try JSONParser.parse(#"{"b": 1, "a": [true, null, 2.5, -0, 1e2, "x\u00e9\n\ud840\udc00"]}"#)
        #expect(value.compactString == #"{"b":1,"a":[true,null,2.5,0,100,"xé\n𠀀"]}"#)
        if case .int(let i) = value["b"] { #expect(i == 1) } else { Issue.record("1 must stay an integer") }
    }

    @Test func duplicateMembersAreRefused() {
        #expect(failure(#"{"idNumber": "1", "idNumber": "2"}"#)?.reason == #"duplicate member name "idNumber""#)
    }

    @Test func errorsSayLineAndColumn() {
        let error = failure("{\n  \"a\": tru\n}")
        #expect(error?.line == 2 && error?.column == 8)
        #expect(failure("[1,]")?.reason == "unexpected character")
        #expect(failure("{} x")?.reason == "unexpected data after the JSON value")
        #expect(failure("\"a\u{01}\"")?.reason == "control character in string")
        #expect(failure("01")?.reason == "leading zero in number")
        #expect(failure(#""\ud800""#)?.reason == "unpaired surrogate in \\u escape")
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(failure(deep)?.reason.hasPrefix("nesting deeper than") == true)
    }

    @Test(arguments: [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE4, 0xB8], [0xFF], [0xF4, 0x90, 0x80, 0x80]] as [[UInt8]])
    func malformedUTF8IsRefused(_ sequence: [UInt8]) {
        let document = [UInt8(ascii: "\"")] + sequence + [UInt8(ascii: "\"")]
        #expect(throws: JSONParseError.self) { try JSONParser.parse(document) }
        let escaped = Array(#"["\n"#.utf8) + sequence + Array(#""]"#.utf8)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(escaped) }
    }

    @Test func wellFormedMultiByteTextSurvives() throws {
        let text = "王建国 𠀀 é ﷺ"
        #expect(try JSONParser.parse("\"\(text)\"") == .string(text))
    }

    @Test func writerEscapesWhatJSONRequires() throws {
        let value: JSONValue = .string("a\"b\\c\n\u{01}")
        #expect(value.compactString == #""a\"b\\c\n\u0001""#)
        #expect(try JSONParser.parse(value.serialized()) == value)
    }
}
