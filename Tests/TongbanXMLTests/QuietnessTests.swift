#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Testing
import TongbanCore
import TongbanXML

/// libxml2's default error handlers print to stderr; partner data must not leak into logs that
/// way, and the errors belong in `XMLError`s and issues instead.
@Suite struct QuietnessTests {
    @Test func libxml2NeverWritesToStandardError() throws {
        let written = try standardError {
            _ = try? XMLCodec.parse(Array("<a>\n<b></a>".utf8))
            _ = try? XMLCodec.parse(Array("<?xml version=\"1.0\" encoding=\"GB18030\"?><a>\u{FF}\u{FE}</a>".utf8) + [0xFF, 0x30])
            _ = try? XMLCodec.serialize(XMLTree(root: XMLTree.Element(name: XMLQName("a"))), encoding: "NO-SUCH-ENCODING", prefixes: [:])
            _ = try? XSDSchema(bytes: Array(#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="xs:nonsense"/></xs:schema>"#.utf8), name: "broken.xsd")
            let schema = try XSDSchema(bytes: Fixture.bytes("kstb-2.1.xsd"), name: "kstb-2.1.xsd")
            #expect(!schema.validate(Array("<x/>".utf8)).isEmpty)
            let unexpected = try XMLCodec.serialize(XMLTree(root: XMLTree.Element(name: XMLQName("x"))), encoding: "GB18030", prefixes: [:], validatingWith: schema)
            #expect((try? unexpected.get()) == nil)
        }
        // Tests running in parallel report their progress on stderr too; those lines are not libxml2's.
        let fromLibXML2 = written.split(separator: "\n").filter { line in
            guard let first = line.first else { return false }
            return !"◇✔✘↳⚠􀟈􀢄".contains(first)
        }
        #expect(fromLibXML2.isEmpty, "\(fromLibXML2)")
    }

    /// What `body` (and anything else running meanwhile) wrote to file descriptor 2.
    private func standardError(during body: () throws -> Void) throws -> String {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let saved = dup(STDERR_FILENO)
        dup2(ends[1], STDERR_FILENO)
        close(ends[1])
        let outcome = Result { try body() }
        fflush(nil)
        dup2(saved, STDERR_FILENO)
        close(saved)
        defer { close(ends[0]) }
        try outcome.get()
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while case let count = read(ends[0], &chunk, chunk.count), count > 0 { output += chunk[..<count] }
        return String(decoding: output, as: UTF8.self)
    }
}
