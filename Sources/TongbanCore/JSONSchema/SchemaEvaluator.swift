/// Runs compiled schema nodes against an instance.
///
/// `isValid` is the hot path: it answers yes or no, stops at the first failure and builds no
/// paths. `collectIssues` (in `SchemaEvaluator+Issues.swift`) runs only for invalid instances,
/// and uses `isValid` to descend only into the parts that fail.
struct SchemaEvaluator {
    let schema: JSONSchema
    /// Schema resources entered so far, outermost first; kept only for `$dynamicRef`.
    private var dynamicScope: [Int] = []

    init(schema: JSONSchema) {
        self.schema = schema
    }

    mutating func isValid(_ node: Int, _ value: JSONValue) -> Bool {
        let entered = enter(node)
        defer { leave(entered) }
        let keywords = schema.nodes[node].keywords
        for index in keywords.indices where !check(keywords[index], of: node, value) {
            return false
        }
        return true
    }

    /// Whether `object` has a member `name`, looking first where the previous lookup ended:
    /// `required` lists and documents tend to share an order, so most lookups compare one key.
    @inline(__always) static func has(_ object: JSONObject, _ name: String, hint: inout Int) -> Bool {
        let entries = object.entries
        var index = hint
        for _ in 0..<entries.count {
            if index >= entries.count { index = 0 }
            if entries[index].key == name {
                hint = index + 1
                return true
            }
            index += 1
        }
        return false
    }

    // MARK: Dynamic scope

    @inline(__always) mutating func enter(_ node: Int) -> Bool {
        guard schema.tracksDynamicScope else { return false }
        let resource = schema.nodes[node].resource
        guard dynamicScope.last != resource else { return false }
        dynamicScope.append(resource)
        return true
    }

    @inline(__always) mutating func leave(_ entered: Bool) {
        if entered { dynamicScope.removeLast() }
    }

    /// The outermost resource in the dynamic scope that declares the anchor wins (draft 2020-12 §8.2.3.2).
    func target(ofDynamicReference fallback: Int, anchor: String) -> Int {
        for resource in dynamicScope {
            if let node = schema.dynamicAnchors[resource][anchor] { return node }
        }
        return fallback
    }

    // MARK: Keywords

    /// Whether one keyword of `node` holds for `value`.
    mutating func check(_ keyword: SchemaKeyword, of node: Int, _ value: JSONValue) -> Bool {
        switch keyword {
        case .assertion(let assertion):
            return assertion.holds(for: value)
        case .members(let rules):
            guard case .object(let object) = value else { return true }
            var cursor = 0
            for entry in object.entries where !checkMember(entry.key, entry.value, rules, cursor: &cursor) {
                return false
            }
            return true
        case .propertyNames(let names):
            guard case .object(let object) = value else { return true }
            return object.entries.allSatisfy { entry in isValid(names, .string(entry.key)) }
        case .required(let names):
            guard case .object(let object) = value else { return true }
            var hint = 0
            return names.allSatisfy { SchemaEvaluator.has(object, $0, hint: &hint) }
        case .dependentRequired(let rules):
            guard case .object(let object) = value else { return true }
            return rules.allSatisfy { rule in object[rule.property] == nil || rule.required.allSatisfy { object[$0] != nil } }
        case .dependentSchemas(let rules):
            guard case .object(let object) = value else { return true }
            return rules.allSatisfy { rule in object[rule.property] == nil || isValid(rule.schema, value) }
        case .items(let prefix, let rest):
            guard case .array(let items) = value else { return true }
            for (index, item) in items.enumerated() {
                let child = index < prefix.count ? prefix[index] : rest
                if let child, !isValid(child, item) { return false }
            }
            return true
        case .contains(let child, let minimum, let maximum):
            guard case .array(let items) = value else { return true }
            var matches = 0
            for item in items where isValid(child, item) {
                matches += 1
                if maximum == nil, matches >= minimum { return true }
                if let maximum, matches > maximum { return false }
            }
            return matches >= minimum
        case .allOf(let children):
            return children.allSatisfy { isValid($0, value) }
        case .anyOf(let children):
            return children.contains { isValid($0, value) }
        case .oneOf(let children):
            var matches = 0
            for child in children where isValid(child, value) {
                matches += 1
                if matches > 1 { return false }
            }
            return matches == 1
        case .not(let child):
            return !isValid(child, value)
        case .conditional(let condition, let then, let otherwise):
            if isValid(condition, value) { return then.map { isValid($0, value) } ?? true }
            return otherwise.map { isValid($0, value) } ?? true
        case .reference(let target):
            return isValid(target, value)
        case .dynamicReference(let fallback, let anchor):
            return isValid(target(ofDynamicReference: fallback, anchor: anchor), value)
        case .unevaluatedProperties(let child):
            guard case .object(let object) = value else { return true }
            let evaluated = evaluatedMembers(of: node, value, object)
            return object.entries.indices.allSatisfy { evaluated[$0] || isValid(child, object.entries[$0].value) }
        case .unevaluatedItems(let child):
            guard case .array(let items) = value else { return true }
            let evaluated = evaluatedItems(of: node, value, items)
            return items.indices.allSatisfy { evaluated[$0] || isValid(child, items[$0]) }
        }
    }

    /// `properties`, then `patternProperties`, then `additionalProperties` for one member.
    mutating func checkMember(_ key: String, _ member: JSONValue, _ rules: MemberRules, cursor: inout Int) -> Bool {
        var matched = false
        if let child = rules.schema(for: key, cursor: &cursor) {
            guard isValid(child, member) else { return false }
            matched = true
        }
        for rule in rules.patterns {
            switch rule.pattern.search(in: key).outcome {
            case .matched:
                guard isValid(rule.schema, member) else { return false }
                matched = true
            case .failed:
                continue
            case .exhausted:
                return false
            }
        }
        if !matched, let additional = rules.additional { return isValid(additional, member) }
        return true
    }
}
