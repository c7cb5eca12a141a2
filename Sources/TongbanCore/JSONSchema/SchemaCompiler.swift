/// Turns schema documents into `SchemaNode`s: decodes and checks every keyword argument,
/// compiles patterns and resolves `$ref` once, so that validation does no lookups by name.
struct SchemaCompiler {
    private let index: SchemaIndex
    let formatAssertion: Bool
    private(set) var nodes: [SchemaNode] = []
    private var locations: [SchemaLocation] = []
    private var nodeAt: [SchemaLocation: Int] = [:]
    /// Per resource, the nodes of its `$dynamicAnchor`s; filled only when some `$dynamicRef` is dynamic.
    private(set) var dynamicAnchors: [[String: Int]] = []
    private(set) var usesDynamicScope = false

    init(index: SchemaIndex, formatAssertion: Bool) {
        self.index = index
        self.formatAssertion = formatAssertion
    }

    /// Compiles the root of document 0 and everything reachable from it; returns the root node.
    mutating func compileRoot() throws(JSONSchemaError) -> Int {
        let root = try compile(SchemaLocation(document: 0, tokens: []))
        dynamicAnchors = Array(repeating: [:], count: index.resources.count)
        if usesDynamicScope {
            for (resource, entry) in index.resources.enumerated() {
                for (name, location) in entry.dynamicAnchors {
                    dynamicAnchors[resource][name] = try compile(location)
                }
            }
        }
        try rejectEndlessReferenceCycles()
        return root
    }

    func error(_ location: SchemaLocation, _ reason: String) -> JSONSchemaError {
        JSONSchemaError(location: index.describe(location), reason: reason)
    }

    // MARK: Nodes

    mutating func compile(_ location: SchemaLocation) throws(JSONSchemaError) -> Int {
        if let existing = nodeAt[location] { return existing }
        guard let value = index.value(at: location) else { throw error(location, "no schema here") }
        let scope = self.scope(of: location)
        let node = nodes.count
        nodes.append(SchemaNode(keywords: [], resource: scope.resource))
        locations.append(location)
        nodeAt[location] = node
        switch value {
        case .bool(true):
            break
        case .bool(false):
            nodes[node].keywords = [.assertion(.never)]
        case .object(let object):
            nodes[node].keywords = try keywords(of: object, at: location, base: scope.base)
        default:
            throw error(location, "a schema must be an object or a boolean, not \(value.typeName)")
        }
        return node
    }

    /// The identifiers in force at a location; a `$ref` may point below a keyword the index did not walk.
    private func scope(of location: SchemaLocation) -> SchemaIndex.Scope {
        var probe = location
        while true {
            if let scope = index.scopes[probe] { return scope }
            guard !probe.tokens.isEmpty else { break }
            probe.tokens.removeLast()
        }
        return SchemaIndex.Scope(base: SchemaIndex.defaultBase, resource: 0)
    }

    // MARK: References

    /// Resolves a `$ref` or `$dynamicRef` value; the name is the fragment when it is an anchor.
    mutating func resolveReference(_ text: String, at location: SchemaLocation, base: URIReference)
        throws(JSONSchemaError) -> (location: SchemaLocation, anchor: String?)
    {
        let reference = URIReference(text).resolved(against: base)
        let resourceURI = reference.withoutFragment.description
        guard let resource = index.resourceByURI[resourceURI] else {
            throw error(location, "cannot resolve \"\(text)\": no schema has the id \(resourceURI) (remote schemas are not fetched; pass them as resources)")
        }
        let resourceLocation = index.resources[resource].location
        guard let fragment = JSONPointer.percentDecoded(reference.fragment ?? "") else {
            throw error(location, "malformed percent-encoding in \"\(text)\"")
        }
        if fragment.isEmpty { return (resourceLocation, nil) }
        if let tokens = JSONPointer.tokens(fragment) {
            let target = resourceLocation.appending(tokens)
            guard index.value(at: target) != nil else { throw error(location, "\"\(text)\" points at nothing") }
            return (target, nil)
        }
        guard let target = index.anchors[resourceURI + "#" + fragment] else {
            throw error(location, "\"\(text)\": no anchor \"\(fragment)\" in \(resourceURI)")
        }
        return (target, fragment)
    }

    mutating func dynamicReference(_ text: String, at location: SchemaLocation, base: URIReference) throws(JSONSchemaError) -> SchemaKeyword {
        let (target, anchor) = try resolveReference(text, at: location, base: base)
        let node = try compile(target)
        // Dynamic only when the static target itself declares the same $dynamicAnchor (draft 2020-12 §8.2.3.2).
        guard let anchor, index.value(at: target)?["$dynamicAnchor"]?.stringValue == anchor else { return .reference(node) }
        usesDynamicScope = true
        return .dynamicReference(fallback: node, anchor: anchor)
    }

    // MARK: Cycles

    /// A `$ref` loop that never descends into the instance (`{"$ref": "#"}`) would recurse forever
    /// on every input, so it is refused here rather than overflowing the stack at run time.
    private func rejectEndlessReferenceCycles() throws(JSONSchemaError) {
        enum Mark { case unvisited, active, done }
        var marks = Array(repeating: Mark.unvisited, count: nodes.count)
        for start in nodes.indices where marks[start] == .unvisited {
            var stack: [(node: Int, next: [Int])] = [(start, inPlaceChildren(of: start))]
            marks[start] = .active
            while !stack.isEmpty {
                guard let child = stack[stack.count - 1].next.popLast() else {
                    marks[stack.removeLast().node] = .done
                    continue
                }
                switch marks[child] {
                case .active:
                    throw error(locations[child], "references loop back here without descending into the instance")
                case .unvisited:
                    marks[child] = .active
                    stack.append((child, inPlaceChildren(of: child)))
                case .done:
                    break
                }
            }
        }
    }

    /// Subschemas applied to the same instance as the node itself.
    private func inPlaceChildren(of node: Int) -> [Int] {
        var children: [Int] = []
        for keyword in nodes[node].keywords {
            switch keyword {
            case .allOf(let list), .anyOf(let list), .oneOf(let list): children += list
            case .not(let child), .reference(let child): children.append(child)
            case .conditional(let condition, let then, let otherwise):
                children.append(condition)
                if let then { children.append(then) }
                if let otherwise { children.append(otherwise) }
            case .dependentSchemas(let list): children += list.map(\.schema)
            case .dynamicReference(let fallback, let anchor):
                children.append(fallback)
                children += dynamicAnchors.compactMap { $0[anchor] }
            default: break
            }
        }
        return children
    }
}
