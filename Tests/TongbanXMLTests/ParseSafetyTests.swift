import Foundation
import Testing
import TongbanCore
import TongbanXML

/// Untrusted input: partners' systems can be compromised, and the gateway must not be.
@Suite struct ParseSafetyTests {
    @Test func externalEntitiesAreNeverRead() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-xxe-\(UUID().uuidString).txt")
        try "TONGBAN-SECRET-MARKER".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        for document in [
            #"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#,
            #"<!DOCTYPE x [<!ENTITY e SYSTEM "\#(secret.absoluteString)">]><x>&e;</x>"#,
            #"<!DOCTYPE x [<!ENTITY % p SYSTEM "\#(secret.absoluteString)"> %p;]><x/>"#,
            #"<!DOCTYPE x SYSTEM "\#(secret.absoluteString)"><x/>"#,
        ] {
            let error = #expect(throws: XMLError.self) { try XMLCodec.parse(Array(document.utf8)) }
            #expect(error?.reason.contains("DOCTYPE") == true)
            #expect(error?.description.contains("TONGBAN-SECRET-MARKER") == false)
            #expect(error?.description.contains("root:") == false)
        }
    }

    @Test func billionLaughsIsRefusedAtOnce() throws {
        var document = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#
        for level in 1...9 {
            document += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">"
        }
        document += "]><lolz>&lol9;</lolz>"
        let clock = ContinuousClock()
        let started = clock.now
        let error = #expect(throws: XMLError.self) { try XMLCodec.parse(Array(document.utf8)) }
        #expect(clock.now - started < .seconds(1))
        #expect(error?.reason.contains("DOCTYPE") == true)
    }

    @Test func undeclaredEntitiesAreErrors() throws {
        #expect(throws: XMLError.self) { try XMLCodec.parse(Array("<x>&e;</x>".utf8)) }
    }

    @Test func xincludeIsNotProcessed() throws {
        let document = #"<x xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="/etc/passwd" parse="text"/></x>"#
        let tree = try XMLCodec.parse(Array(document.utf8))
        #expect(tree.root.children.first?.name == XMLQName("include", namespace: "http://www.w3.org/2001/XInclude"))
        #expect(tree.root.children.first?.text == "")
    }

    @Test func oversizeInputIsRefusedBeforeParsing() throws {
        // Malformed on purpose: had it been parsed, the error would be about the markup.
        let error = #expect(throws: XMLError.self) {
            try XMLCodec.parse(Array("<a>".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 100), maxBytes: 64)
        }
        #expect(error?.reason.contains("103 bytes") == true)
        #expect(error?.reason.contains("64") == true)
        #expect(error?.line == nil)
        #expect(throws: Never.self) { try XMLCodec.parse(Array("<a>\(String(repeating: "x", count: 57))</a>".utf8), maxBytes: 64) }
    }

    @Test func nestingIsLimited() throws {
        func nested(_ depth: Int) -> [UInt8] {
            Array((String(repeating: "<e>", count: depth) + String(repeating: "</e>", count: depth)).utf8)
        }
        let deepest = try XMLCodec.parse(nested(XMLCodec.maximumDepth))
        #expect(deepest.root.name.local == "e")
        let error = #expect(throws: XMLError.self) { try XMLCodec.parse(nested(XMLCodec.maximumDepth + 1)) }
        #expect(error?.reason.contains("deeper than \(XMLCodec.maximumDepth)") == true)
        #expect(throws: XMLError.self) { try XMLCodec.parse(nested(100_000)) }
    }
}
