/// Issue collection for instances that failed `isValid`: paths are built here and only here,
/// and only along the parts of the instance that fail.
extension SchemaEvaluator {
    mutating func collectIssues(_ node: Int, _ value: JSONValue, at path: IssuePath, into issues: inout [ValidationIssue]) {
        let entered = enter(node)
        defer { leave(entered) }
        for keyword in schema.nodes[node].keywords {
            report(keyword, of: node, value, at: path, into: &issues)
        }
    }

    /// Issues for one keyword; none when it holds.
    private mutating func report(_ keyword: SchemaKeyword, of node: Int, _ value: JSONValue, at path: IssuePath, into issues: inout [ValidationIssue]) {
        func add(_ reason: String, at location: IssuePath = path) {
            issues.append(ValidationIssue(path: location.description, reason: reason))
        }
        switch keyword {
        case .members(let rules):
            guard case .object(let object) = value else { return }
            var cursor = 0
            for entry in object.entries where !checkMember(entry.key, entry.value, rules, cursor: &cursor) {
                reportMember(entry.key, entry.value, rules, at: path / entry.key, into: &issues)
            }
        case .propertyNames(let names):
            guard case .object(let object) = value else { return }
            for entry in object.entries where !isValid(names, .string(entry.key)) {
                guard !schema.nodes[names].rejectsEverything else {
                    add("property is not allowed (propertyNames false)", at: path / entry.key)
                    continue
                }
                var nameIssues: [ValidationIssue] = []
                collectIssues(names, .string(entry.key), at: path / entry.key, into: &nameIssues)
                issues += nameIssues.map { ValidationIssue(path: $0.path, reason: "property name \(IssueText.quoted(entry.key)) \($0.reason)") }
            }
        case .required(let names):
            guard case .object(let object) = value else { return }
            for name in names where object[name] == nil {
                add("required property \(IssueText.quoted(name)) is missing")
            }
        case .dependentRequired(let rules):
            guard case .object(let object) = value else { return }
            for rule in rules where object[rule.property] != nil {
                for name in rule.required where object[name] == nil {
                    add("property \(IssueText.quoted(name)) is required when \(IssueText.quoted(rule.property)) is present")
                }
            }
        case .dependentSchemas(let rules):
            guard case .object(let object) = value else { return }
            for rule in rules where object[rule.property] != nil && !isValid(rule.schema, value) {
                collectIssues(rule.schema, value, at: path, into: &issues)
            }
        case .items(let prefix, let rest):
            guard case .array(let items) = value else { return }
            for (index, item) in items.enumerated() {
                guard let child = index < prefix.count ? prefix[index] : rest, !isValid(child, item) else { continue }
                if schema.nodes[child].rejectsEverything {
                    add("item is not allowed (\(index < prefix.count ? "prefixItems" : "items") false)", at: path / index)
                } else {
                    collectIssues(child, item, at: path / index, into: &issues)
                }
            }
        case .contains(let child, let minimum, let maximum):
            guard case .array(let items) = value else { return }
            let matches = items.reduce(0) { count, item in count + (isValid(child, item) ? 1 : 0) }
            if matches < minimum {
                add(minimum == 1 ? "contains no item that matches the contains schema"
                    : "contains \(IssueText.counted(matches, "matching item")), fewer than minContains \(minimum)")
            } else if let maximum, matches > maximum {
                add("contains \(IssueText.counted(matches, "matching item")), more than maxContains \(maximum)")
            }
        case .allOf(let children):
            for child in children where !isValid(child, value) {
                collectIssues(child, value, at: path, into: &issues)
            }
        case .anyOf(let children):
            guard !children.contains(where: { isValid($0, value) }) else { return }
            reportAlternatives(children, keyword: "anyOf", value, at: path, into: &issues)
        case .oneOf(let children):
            let matching = children.indices.filter { isValid(children[$0], value) }
            if matching.isEmpty {
                reportAlternatives(children, keyword: "oneOf", value, at: path, into: &issues)
            } else if matching.count > 1 {
                add("matches \(matching.count) of the alternatives of oneOf (\(matching.map { "#\($0 + 1)" }.joined(separator: ", "))), exactly one is allowed")
            }
        case .not(let child):
            if isValid(child, value) { add("must not match the schema in not") }
        case .conditional(let condition, let then, let otherwise):
            guard let branch = isValid(condition, value) ? then : otherwise, !isValid(branch, value) else { return }
            collectIssues(branch, value, at: path, into: &issues)
        case .reference(let target):
            if !isValid(target, value) { collectIssues(target, value, at: path, into: &issues) }
        case .dynamicReference(let fallback, let anchor):
            let target = target(ofDynamicReference: fallback, anchor: anchor)
            if !isValid(target, value) { collectIssues(target, value, at: path, into: &issues) }
        case .unevaluatedProperties(let child):
            guard case .object(let object) = value else { return }
            let evaluated = evaluatedMembers(of: node, value, object)
            for (index, entry) in object.entries.enumerated() where !evaluated[index] && !isValid(child, entry.value) {
                if schema.nodes[child].rejectsEverything {
                    add("property is not allowed (unevaluatedProperties false)", at: path / entry.key)
                } else {
                    collectIssues(child, entry.value, at: path / entry.key, into: &issues)
                }
            }
        case .unevaluatedItems(let child):
            guard case .array(let items) = value else { return }
            let evaluated = evaluatedItems(of: node, value, items)
            for (index, item) in items.enumerated() where !evaluated[index] && !isValid(child, item) {
                if schema.nodes[child].rejectsEverything {
                    add("item is not allowed (unevaluatedItems false)", at: path / index)
                } else {
                    collectIssues(child, item, at: path / index, into: &issues)
                }
            }
        case .assertion(let assertion):
            if !assertion.holds(for: value) { add(assertion.failure(for: value)) }
        }
    }

    private mutating func reportMember(_ key: String, _ member: JSONValue, _ rules: MemberRules, at path: IssuePath, into issues: inout [ValidationIssue]) {
        var matched = false
        if let child = rules.named[key] {
            matched = true
            if !isValid(child, member) { collectIssues(child, member, at: path, into: &issues) }
        }
        for rule in rules.patterns {
            switch rule.pattern.search(in: key).outcome {
            case .matched:
                matched = true
                if !isValid(rule.schema, member) { collectIssues(rule.schema, member, at: path, into: &issues) }
            case .failed:
                continue
            case .exhausted:
                issues.append(ValidationIssue(path: path.description, reason: "property name could not be checked against pattern \(rule.pattern.source) (matching took too long)"))
            }
        }
        guard !matched, let additional = rules.additional, !isValid(additional, member) else { return }
        if schema.nodes[additional].rejectsEverything {
            issues.append(ValidationIssue(path: path.description, reason: "property is not allowed (additionalProperties false)"))
        } else {
            collectIssues(additional, member, at: path, into: &issues)
        }
    }

    /// For a failed `anyOf`/`oneOf`: the issues of the closest alternative, where "close" means the
    /// instance has the alternative's type (and `const`/`enum`) and breaks the fewest of its rules;
    /// when no alternative even has the right shape, one issue saying so.
    private mutating func reportAlternatives(_ children: [Int], keyword: String, _ value: JSONValue, at path: IssuePath, into issues: inout [ValidationIssue]) {
        var best: [ValidationIssue]? = nil
        for child in children where hasShape(of: child, value) {
            var childIssues: [ValidationIssue] = []
            collectIssues(child, value, at: path, into: &childIssues)
            if childIssues.count < best?.count ?? Int.max { best = childIssues }
        }
        if let best {
            issues += best
        } else {
            issues.append(ValidationIssue(path: path.description, reason: "matches none of the \(children.count) alternatives of \(keyword)"))
        }
    }

    /// Whether `value` passes the node's `type`, `const` and `enum`, following `$ref`
    /// (which ends: the compiler refuses reference cycles that stay on one instance).
    private mutating func hasShape(of node: Int, _ value: JSONValue) -> Bool {
        for keyword in schema.nodes[node].keywords {
            switch keyword {
            case .assertion(let assertion):
                switch assertion {
                case .never, .type, .constant, .enumeration:
                    if !assertion.holds(for: value) { return false }
                default:
                    break
                }
            case .reference(let target):
                if !hasShape(of: target, value) { return false }
            default:
                break
            }
        }
        return true
    }
}
