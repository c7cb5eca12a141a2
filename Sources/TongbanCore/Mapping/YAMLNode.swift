import Yams

/// A YAML node that remembers which file and line it came from, with strict accessors.
///
/// Configuration is decoded strictly: an unknown key is an error naming the key, the file and
/// the line, because a misspelt `omitIfAbsent` silently ignored is a production incident.
public struct YAMLNode: @unchecked Sendable {
    // Yams.Node is a value type without Sendable conformance; it is never mutated after parsing.
    public let node: Node
    public let file: String

    public init(node: Node, file: String) {
        self.node = node
        self.file = file
    }

    /// Parses YAML text; an empty document is an error.
    public static func parse(_ text: String, file: String) throws(MappingError) -> YAMLNode {
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw MappingError(file: file, line: Self.line(of: error), message: "invalid YAML: \(Self.summary(of: error))")
        } catch {
            throw MappingError(file: file, message: "invalid YAML: \(error)")
        }
        guard let composed else { throw MappingError(file: file, line: 1, message: "the file is empty") }
        return YAMLNode(node: composed, file: file)
    }

    public var line: Int? { node.mark?.line }
    public var column: Int? { node.mark?.column }

    public func error(_ message: String) -> MappingError {
        MappingError(file: file, line: line, column: column, message: message)
    }

    /// The entries of a mapping, in file order; duplicate keys are refused.
    public func mapping(_ what: String = "a mapping") throws(MappingError) -> [(key: String, keyNode: YAMLNode, value: YAMLNode)] {
        guard case .mapping(let mapping) = node else { throw error("expected \(what)") }
        var seen: Set<String> = []
        var entries: [(key: String, keyNode: YAMLNode, value: YAMLNode)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                throw YAMLNode(node: key, file: file).error("keys must be plain text")
            }
            let keyNode = YAMLNode(node: key, file: file)
            guard seen.insert(scalar.string).inserted else { throw keyNode.error("duplicate key '\(scalar.string)'") }
            entries.append((scalar.string, keyNode, YAMLNode(node: value, file: file)))
        }
        return entries
    }

    /// The mapping as a keyed table after checking that every key is one of `allowed`.
    public func fields(allowed: [String], required: [String] = []) throws(MappingError) -> Fields {
        let entries = try mapping()
        for entry in entries where !allowed.contains(entry.key) {
            throw entry.keyNode.error("unknown key '\(entry.key)' (expected one of: \(allowed.joined(separator: ", ")))")
        }
        for key in required where !entries.contains(where: { $0.key == key }) {
            throw error("missing required key '\(key)'")
        }
        return Fields(owner: self, entries: entries)
    }

    public func sequence(_ what: String = "a list") throws(MappingError) -> [YAMLNode] {
        guard case .sequence(let sequence) = node else { throw error("expected \(what)") }
        return sequence.map { YAMLNode(node: $0, file: file) }
    }

    public var isScalar: Bool {
        if case .scalar = node { return true }
        return false
    }

    public func string(_ what: String = "a text value") throws(MappingError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected \(what)") }
        return scalar.string
    }

    /// A scalar with YAML's plain-style typing: unquoted integers and booleans keep their type
    /// (a code list value `0` is the JSON number 0), quoted scalars are always text.
    public func typedScalar() throws(MappingError) -> JSONValue {
        guard case .scalar(let scalar) = node else { throw error("expected a single value") }
        let text = scalar.string
        guard scalar.style == .plain else { return .string(text) }
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null", "~": return .null
        default: break
        }
        if let first = text.first, first == "-" || first.isNumber,
           text == "0" || (!text.hasPrefix("0") && !text.hasPrefix("-0")),
           let value = Int64(text) {
            return .int(value)
        }
        return .string(text)
    }

    public func int(_ what: String = "an integer") throws(MappingError) -> Int {
        guard let value = Int(try string(what)) else { throw error("expected \(what)") }
        return value
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _), .composer(let context, let problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        default: return "\(error)"
        }
    }

    /// The checked entries of a mapping node.
    public struct Fields {
        public let owner: YAMLNode
        public let entries: [(key: String, keyNode: YAMLNode, value: YAMLNode)]

        public subscript(key: String) -> YAMLNode? {
            entries.first { $0.key == key }?.value
        }

        public func required(_ key: String) throws(MappingError) -> YAMLNode {
            guard let value = self[key] else { throw owner.error("missing required key '\(key)'") }
            return value
        }
    }
}
