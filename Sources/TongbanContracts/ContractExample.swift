import Foundation
import TongbanCore

/// One example of a contract: an input and either the exact output or the expected refusal.
public struct ContractExample: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case outboundCase = "outbound-case"
        case inboundCase = "inbound-case"
        case inboundStatus = "inbound-status"
        case outboundStatus = "outbound-status"

        public var direction: Direction { self == .outboundCase || self == .outboundStatus ? .outbound : .inbound }
        public var messageKind: MessageKind { self == .outboundCase || self == .inboundCase ? .case : .status }
    }

    public enum Expectation: Sendable {
        /// The golden file the output must equal.
        case document(URL)
        /// Each line `PATH: REASON-SUBSTRING`; the refusal must list exactly these problems.
        case errors([ExpectedIssue])
    }

    public struct ExpectedIssue: Sendable, CustomStringConvertible {
        public var path: String
        public var reasonContains: String
        public var description: String { "\(path): \(reasonContains)" }

        func matches(_ issue: ValidationIssue) -> Bool {
            issue.path == path && issue.reason.contains(reasonContains)
        }
    }

    public let contract: String
    public let kind: Kind
    public let name: String
    public let summary: String?
    public let input: URL
    public let expectation: Expectation
    public let context: TranslationContext

    public var description: String { "\(contract)/\(kind.rawValue)/\(name)" }

    static func load(_ folder: URL, kind: Kind, contract: String, defaultContext: TranslationContext) throws(MappingError) -> ContractExample {
        let shown = "contracts/\(contract)/examples/\(kind.rawValue)/\(folder.lastPathComponent)"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        guard let inputName = files.first(where: { $0.hasPrefix("input.") }) else { throw MappingError(file: shown, message: "no input.json or input.xml") }
        let expectedName = files.first { $0.hasPrefix("expected.") }
        let hasErrors = files.contains("errors.txt")
        guard (expectedName != nil) != hasErrors else {
            throw MappingError(file: shown, message: "needs exactly one of expected.json/expected.xml (the golden output) or errors.txt (the expected refusal)")
        }
        let expectation: Expectation
        if let expectedName {
            expectation = .document(folder.appendingPathComponent(expectedName))
        } else {
            guard let text = try? String(contentsOf: folder.appendingPathComponent("errors.txt"), encoding: .utf8) else {
                throw MappingError(file: shown + "/errors.txt", message: "not UTF-8 text")
            }
            var issues: [ExpectedIssue] = []
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let colon = line.range(of: ": ") else {
                    throw MappingError(file: shown + "/errors.txt", line: number + 1, message: "expected 'PATH: REASON'")
                }
                issues.append(ExpectedIssue(path: String(line[..<colon.lowerBound]), reasonContains: String(line[colon.upperBound...])))
            }
            guard !issues.isEmpty else { throw MappingError(file: shown + "/errors.txt", message: "lists no expected problem") }
            expectation = .errors(issues)
        }
        var summary: String?
        var context = defaultContext
        if files.contains("example.yaml"), let text = try? String(contentsOf: folder.appendingPathComponent("example.yaml"), encoding: .utf8) {
            let fields = try YAMLNode.parse(text, file: shown + "/example.yaml").fields(allowed: ["description", "context"])
            summary = try fields["description"]?.string()
            if let node = fields["context"] { context = try ContractExample.context(from: node, base: defaultContext) }
        }
        return ContractExample(contract: contract, kind: kind, name: folder.lastPathComponent, summary: summary,
                               input: folder.appendingPathComponent(inputName), expectation: expectation, context: context)
    }

    static func context(from node: YAMLNode, base: TranslationContext?) throws(MappingError) -> TranslationContext {
        let fields = try node.fields(allowed: ["now", "uuid", "message"], required: base == nil ? ["now", "uuid"] : [])
        var now = base?.now
        if let nowNode = fields["now"] {
            let text = try nowNode.string()
            guard let parsed = Timestamp.parseRFC3339(text) else { throw nowNode.error("'\(text)' is not an RFC 3339 time with offset") }
            now = parsed
        }
        let uuid = try fields["uuid"]?.string() ?? base?.uuid
        var message = base?.message ?? .object(JSONObject())
        if let messageNode = fields["message"] {
            var object = JSONObject()
            for entry in try messageNode.mapping("a mapping such as {intent: withdraw, reason: …}") {
                object.append(entry.key, .string(try entry.value.string()))
            }
            message = .object(object)
        }
        return TranslationContext(now: now!, uuid: uuid, message: message)
    }
}
