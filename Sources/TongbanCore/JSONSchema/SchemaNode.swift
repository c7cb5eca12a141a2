/// One compiled subschema: its keywords, ready to run, children referred to by node index.
///
/// Indices rather than references let `$ref` cycles (recursive schemas) live in a plain array.
struct SchemaNode: Sendable {
    var keywords: [SchemaKeyword]
    /// The schema resource (`$id` scope) the node belongs to, for `$dynamicRef`.
    var resource: Int

    /// The `false` schema: nothing is valid.
    var rejectsEverything: Bool {
        if keywords.count == 1, case .assertion(.never) = keywords[0] { return true }
        return false
    }
}

/// A keyword with its argument decoded and checked at compile time.
enum SchemaKeyword: Sendable {
    case assertion(SchemaAssertion)
    /// `properties`, `patternProperties` and `additionalProperties` together, since the last depends on the others.
    case members(MemberRules)
    case propertyNames(Int)
    case required([String])
    case dependentRequired([(property: String, required: [String])])
    case dependentSchemas([(property: String, schema: Int)])
    /// `prefixItems` and `items`.
    case items(prefix: [Int], rest: Int?)
    case contains(Int, min: Int, max: Int?)
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
    case reference(Int)
    /// A `$dynamicRef` whose target depends on the dynamic scope; `fallback` is the static target.
    case dynamicReference(fallback: Int, anchor: String)
    case unevaluatedProperties(Int)
    case unevaluatedItems(Int)
}

/// `properties`, `patternProperties` and `additionalProperties` of one schema.
///
/// A class so that the keyword enum holding it copies with one retain.
final class MemberRules: Sendable {
    let named: [String: Int]
    /// The `properties` names in schema order: documents usually list members in that order,
    /// so the next name is tried before hashing.
    let order: [(name: String, schema: Int)]
    let patterns: [(pattern: Pattern, schema: Int)]
    let additional: Int?

    init(named: [(name: String, schema: Int)], patterns: [(pattern: Pattern, schema: Int)], additional: Int?) {
        self.order = named
        self.named = Dictionary(named, uniquingKeysWith: { first, _ in first })
        self.patterns = patterns
        self.additional = additional
    }

    /// The `properties` schema for `key`; `cursor` is where the previous member was found.
    @inline(__always) func schema(for key: String, cursor: inout Int) -> Int? {
        if cursor < order.count, order[cursor].name == key {
            defer { cursor += 1 }
            return order[cursor].schema
        }
        return named[key]
    }
}

/// The JSON types a `type` keyword allows.
struct JSONTypes: OptionSet, Sendable {
    let rawValue: UInt8

    static let null = JSONTypes(rawValue: 1)
    static let boolean = JSONTypes(rawValue: 2)
    static let object = JSONTypes(rawValue: 4)
    static let array = JSONTypes(rawValue: 8)
    static let number = JSONTypes(rawValue: 16)
    static let string = JSONTypes(rawValue: 32)
    static let integer = JSONTypes(rawValue: 64)

    /// In the order messages list them.
    static let names: [(String, JSONTypes)] = [
        ("object", .object), ("array", .array), ("string", .string), ("integer", .integer),
        ("number", .number), ("boolean", .boolean), ("null", .null),
    ]

    /// Whether `value` is of one of these types; `integer` accepts `1.0`, `number` accepts integers.
    func admits(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .object: return contains(.object)
        case .array: return contains(.array)
        case .string: return contains(.string)
        case .int: return !isDisjoint(with: [.number, .integer])
        case .double(let d): return contains(.number) || (contains(.integer) && d.isWholeNumber)
        }
    }

    /// `string`, `object or null`: for messages.
    var listed: String {
        let parts = JSONTypes.names.filter { contains($0.1) }.map(\.0)
        return parts.count <= 2 ? parts.joined(separator: " or ") : parts.dropLast().joined(separator: ", ") + " or " + parts[parts.count - 1]
    }
}
