/// What `unevaluatedProperties` and `unevaluatedItems` need: which members or items the other
/// keywords of a schema, and the subschemas they applied successfully, have evaluated.
///
/// Computed on demand by re-running the subschemas involved, so schemas without these keywords
/// pay nothing for them.
extension SchemaEvaluator {
    /// One flag per member of `object`: evaluated by `node` apart from its own `unevaluatedProperties`.
    mutating func evaluatedMembers(of node: Int, _ value: JSONValue, _ object: JSONObject) -> [Bool] {
        var marks = Array(repeating: false, count: object.count)
        markMembers(of: node, value, object, into: &marks, ownUnevaluated: false)
        return marks
    }

    /// One flag per item: evaluated by `node` apart from its own `unevaluatedItems`.
    mutating func evaluatedItems(of node: Int, _ value: JSONValue, _ items: [JSONValue]) -> [Bool] {
        var marks = Array(repeating: false, count: items.count)
        markItems(of: node, value, items, into: &marks, ownUnevaluated: false)
        return marks
    }

    private mutating func markMembers(of node: Int, _ value: JSONValue, _ object: JSONObject, into marks: inout [Bool], ownUnevaluated: Bool) {
        let entered = enter(node)
        defer { leave(entered) }
        for keyword in schema.nodes[node].keywords {
            switch keyword {
            case .members(let rules):
                for (index, entry) in object.entries.enumerated() where !marks[index] {
                    marks[index] = rules.named[entry.key] != nil || rules.additional != nil
                        || rules.patterns.contains { $0.pattern.matches(in: entry.key) }
                }
            case .unevaluatedProperties where ownUnevaluated:
                marks = Array(repeating: true, count: marks.count)
            default:
                break
            }
        }
        for child in appliedInPlace(by: node, value) {
            markMembers(of: child, value, object, into: &marks, ownUnevaluated: true)
        }
    }

    private mutating func markItems(of node: Int, _ value: JSONValue, _ items: [JSONValue], into marks: inout [Bool], ownUnevaluated: Bool) {
        let entered = enter(node)
        defer { leave(entered) }
        for keyword in schema.nodes[node].keywords {
            switch keyword {
            case .items(let prefix, let rest):
                for index in items.indices where rest != nil || index < prefix.count { marks[index] = true }
            case .contains(let child, _, _):
                for (index, item) in items.enumerated() where !marks[index] && isValid(child, item) { marks[index] = true }
            case .unevaluatedItems where ownUnevaluated:
                marks = Array(repeating: true, count: marks.count)
            default:
                break
            }
        }
        for child in appliedInPlace(by: node, value) {
            markItems(of: child, value, items, into: &marks, ownUnevaluated: true)
        }
    }

    /// The subschemas that `node` applied to `value` itself and that passed: only their annotations count.
    private mutating func appliedInPlace(by node: Int, _ value: JSONValue) -> [Int] {
        var applied: [Int] = []
        for keyword in schema.nodes[node].keywords {
            switch keyword {
            case .allOf(let children), .anyOf(let children), .oneOf(let children):
                applied += children.filter { isValid($0, value) }
            case .conditional(let condition, let then, let otherwise):
                let passed = isValid(condition, value)
                if passed { applied.append(condition) }
                if let branch = passed ? then : otherwise, isValid(branch, value) { applied.append(branch) }
            case .dependentSchemas(let rules):
                guard case .object(let object) = value else { break }
                applied += rules.filter { object[$0.property] != nil && isValid($0.schema, value) }.map(\.schema)
            case .reference(let target):
                if isValid(target, value) { applied.append(target) }
            case .dynamicReference(let fallback, let anchor):
                let target = target(ofDynamicReference: fallback, anchor: anchor)
                if isValid(target, value) { applied.append(target) }
            default:
                break
            }
        }
        return applied
    }
}
