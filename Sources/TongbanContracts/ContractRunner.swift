import Foundation
import TongbanCore
import TongbanMappings
import TongbanXML

/// Runs contract examples against the loaded mappings.
public struct ContractRunner: Sendable {
    public let catalog: MappingCatalog

    public init(catalog: MappingCatalog) { self.catalog = catalog }

    public struct Outcome: Sendable {
        public let example: ContractExample
        /// nil when the example passed; otherwise what differed.
        public let failure: String?
        public var passed: Bool { failure == nil }
    }

    public func run(_ contract: Contract) -> [Outcome] {
        contract.examples.map { outcome(of: $0, in: contract) }
    }

    public func outcome(of example: ContractExample, in contract: Contract) -> Outcome {
        guard let partner = catalog.partner(named: contract.partner) else {
            return Outcome(example: example, failure: "no mapping folder mappings/\(contract.partner)")
        }
        return Outcome(example: example, failure: check(example, partner: partner))
    }

    func check(_ example: ContractExample, partner: PartnerMapping) -> String? {
        guard let input = FileManager.default.contents(atPath: example.input.path) else { return "cannot read \(example.input.lastPathComponent)" }
        let result = partner.translate(Array(input), direction: example.kind.direction, kind: example.kind.messageKind, context: example.context)
        switch (example.expectation, result) {
        case (.document(let expectedFile), .success(let actual)):
            guard let expected = FileManager.default.contents(atPath: expectedFile.path) else { return "cannot read \(expectedFile.lastPathComponent)" }
            if let difference = compare(actual: actual, expected: Array(expected), xml: expectedFile.pathExtension == "xml", partner: partner) {
                return difference
            }
            // A golden file is only as good as its conformance: the partner's schema must accept it too.
            if example.kind.direction == .outbound {
                let issues = partner.partnerSchemaIssues(Array(expected), kind: example.kind.messageKind)
                if !issues.isEmpty { return "the golden file itself fails the partner schema:\n" + issues.map { "  \($0)" }.joined(separator: "\n") }
            }
            return nil
        case (.document, .failure(let failure)):
            return "refused, but a document was expected:\n" + failure.issues.map { "  \($0)" }.joined(separator: "\n")
        case (.errors(let expected), .success):
            return "accepted, but these problems were expected:\n" + expected.map { "  \($0)" }.joined(separator: "\n")
        case (.errors(let expected), .failure(let failure)):
            let unmatched = expected.filter { wanted in !failure.issues.contains(where: wanted.matches) }
            let unexpected = failure.issues.filter { issue in !expected.contains(where: { $0.matches(issue) }) }
            guard !unmatched.isEmpty || !unexpected.isEmpty || expected.count != failure.issues.count else { return nil }
            var lines: [String] = []
            if !unmatched.isEmpty { lines.append("expected but not reported:"); lines += unmatched.map { "  \($0)" } }
            if !unexpected.isEmpty { lines.append("reported but not expected:"); lines += unexpected.map { "  \($0)" } }
            if lines.isEmpty { lines.append("expected \(expected.count) problems, got \(failure.issues.count)") }
            return lines.joined(separator: "\n")
        }
    }

    func compare(actual: [UInt8], expected: [UInt8], xml: Bool, partner: PartnerMapping) -> String? {
        if xml {
            let declaration = "<?xml version=\"1.0\" encoding=\"\(partner.agreement.encoding.rawValue)\"?>"
            guard actual.starts(with: Array(declaration.utf8)) else {
                return "the output does not start with \(declaration)"
            }
            do {
                let a = try XMLCodec.canonicalForm(actual)
                let e = try XMLCodec.canonicalForm(expected)
                return a == e ? nil : "output differs from the golden file:\n--- expected\n\(e)\n--- actual\n\(a)"
            } catch {
                return "cannot compare XML: \(error)"
            }
        }
        do {
            let a = try JSONParser.parse(actual)
            let e = try JSONParser.parse(expected)
            // Member order is part of the contract: compare the serialized forms.
            return a.serialized() == e.serialized() ? nil : "output differs from the golden file:\n--- expected\n\(e.prettyPrinted())\n--- actual\n\(a.prettyPrinted())"
        } catch {
            return "cannot compare JSON: \(error)"
        }
    }
}
