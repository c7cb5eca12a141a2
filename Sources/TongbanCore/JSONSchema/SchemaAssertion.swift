/// A keyword that checks the instance itself, without subschemas, and fails with one issue.
enum SchemaAssertion: Sendable {
    /// The `false` schema.
    case never
    case type(JSONTypes)
    case enumeration([JSONValue])
    case constant(JSONValue)
    case minLength(Int)
    case maxLength(Int)
    case pattern(Pattern)
    case format(SchemaFormat)
    case minimum(JSONValue)
    case maximum(JSONValue)
    case exclusiveMinimum(JSONValue)
    case exclusiveMaximum(JSONValue)
    case multipleOf(DecimalNumber, written: JSONValue)
    case minProperties(Int)
    case maxProperties(Int)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems

    /// Whether the assertion holds; assertions about one type hold for values of other types.
    func holds(for value: JSONValue) -> Bool {
        switch (self, value) {
        case (.never, _): return false
        case (.type(let types), _): return types.admits(value)
        case (.enumeration(let values), _): return values.contains(value)
        case (.constant(let expected), _): return value == expected
        case (.minLength(let limit), .string(let text)): return SchemaAssertion.scalarCount(text, atLeast: limit)
        case (.maxLength(let limit), .string(let text)): return limit == .max || !SchemaAssertion.scalarCount(text, atLeast: limit + 1)
        case (.pattern(let pattern), .string(let text)): return pattern.matches(in: text)
        case (.format(let format), .string(let text)): return format.admits(text)
        case (.minimum(let limit), _): return value.compareNumber(to: limit).map { $0 >= 0 } ?? true
        case (.maximum(let limit), _): return value.compareNumber(to: limit).map { $0 <= 0 } ?? true
        case (.exclusiveMinimum(let limit), _): return value.compareNumber(to: limit).map { $0 > 0 } ?? true
        case (.exclusiveMaximum(let limit), _): return value.compareNumber(to: limit).map { $0 < 0 } ?? true
        case (.multipleOf(let divisor, let written), .int), (.multipleOf(let divisor, let written), .double):
            return SchemaAssertion.isMultiple(value, of: divisor, written: written)
        case (.minProperties(let limit), .object(let object)): return object.count >= limit
        case (.maxProperties(let limit), .object(let object)): return object.count <= limit
        case (.minItems(let limit), .array(let items)): return items.count >= limit
        case (.maxItems(let limit), .array(let items)): return items.count <= limit
        case (.uniqueItems, .array(let items)): return SchemaAssertion.firstDuplicate(in: items) == nil
        default: return true
        }
    }

    /// What is wrong with `value`, for an assertion that does not hold.
    func failure(for value: JSONValue) -> String {
        switch self {
        case .never:
            return "no value is allowed here (schema false)"
        case .type(let types):
            return "expected \(types.listed), found \(value.typeName)"
        case .enumeration(let values):
            let shown = values.prefix(IssueText.listedValues).map(IssueText.describe).joined(separator: ", ")
            return values.count > IssueText.listedValues ? "is not one of \(shown), … (\(values.count) values)" : "is not one of \(shown)"
        case .constant(let expected):
            return "is not equal to the constant \(IssueText.describe(expected))"
        case .minLength(let limit):
            return "shorter than \(IssueText.counted(limit, "character"))"
        case .maxLength(let limit):
            return "longer than \(IssueText.counted(limit, "character"))"
        case .pattern(let pattern):
            if case .string(let text) = value, case .exhausted = pattern.search(in: text).outcome {
                return "could not be checked against pattern \(pattern.source) (matching took too long)"
            }
            return "does not match pattern \(pattern.source)"
        case .format(let format):
            return "is not a valid \(format.rawValue)"
        case .minimum(let limit):
            return "less than the minimum \(limit.compactString)"
        case .maximum(let limit):
            return "greater than the maximum \(limit.compactString)"
        case .exclusiveMinimum(let limit):
            return "not greater than the exclusive minimum \(limit.compactString)"
        case .exclusiveMaximum(let limit):
            return "not less than the exclusive maximum \(limit.compactString)"
        case .multipleOf(_, let written):
            return "not a multiple of \(written.compactString)"
        case .minProperties(let limit):
            return "has fewer than \(IssueText.counted(limit, "property", plural: "properties"))"
        case .maxProperties(let limit):
            return "has more than \(IssueText.counted(limit, "property", plural: "properties"))"
        case .minItems(let limit):
            return "has fewer than \(IssueText.counted(limit, "item"))"
        case .maxItems(let limit):
            return "has more than \(IssueText.counted(limit, "item"))"
        case .uniqueItems:
            guard case .array(let items) = value, let (first, second) = SchemaAssertion.firstDuplicate(in: items) else {
                return "items are not unique"
            }
            return "items [\(first)] and [\(second)] are equal (uniqueItems)"
        }
    }

    /// Whether `text` has at least `limit` Unicode scalars, the unit JSON Schema lengths count.
    /// The UTF-8 length bounds the count from both sides, which usually settles it without counting.
    private static func scalarCount(_ text: String, atLeast limit: Int) -> Bool {
        let bytes = text.utf8.count
        if bytes < limit { return false }
        if bytes / 4 >= limit { return true }
        // Every scalar has exactly one byte that is not a continuation byte (10xxxxxx).
        let counted = text.utf8.withContiguousStorageIfAvailable { buffer in
            buffer.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        }
        return (counted ?? text.unicodeScalars.count) >= limit
    }

    private static func isMultiple(_ value: JSONValue, of divisor: DecimalNumber, written: JSONValue) -> Bool {
        if case .int(let a) = value, case .int(let b) = written { return a % b == 0 }
        return DecimalNumber(value)?.isMultiple(of: divisor) ?? false
    }

    /// The indices of the first two equal items, by JSON equality.
    private static func firstDuplicate(in items: [JSONValue]) -> (Int, Int)? {
        for second in items.indices {
            for first in 0..<second where items[first] == items[second] {
                return (first, second)
            }
        }
        return nil
    }
}
