/// Every identifier in a set of schema documents: `$id` resources, `$anchor` and
/// `$dynamicAnchor` names, and the base URI in force at each subschema.
///
/// Built in one pass before compiling so that `$ref` can point forwards, backwards and
/// across documents, as the specification allows.
struct SchemaIndex {
    struct Resource {
        var location: SchemaLocation
        /// `$dynamicAnchor` names declared in this resource.
        var dynamicAnchors: [String: SchemaLocation] = [:]
    }

    /// Where a subschema sits in terms of identifiers.
    struct Scope {
        var base: URIReference
        var resource: Int
    }

    let documents: [JSONValue]
    private(set) var resources: [Resource] = []
    private(set) var resourceByURI: [String: Int] = [:]
    /// `uri#name` for `$anchor` and `$dynamicAnchor`.
    private(set) var anchors: [String: SchemaLocation] = [:]
    private(set) var scopes: [SchemaLocation: Scope] = [:]

    /// The base URI of a root schema without `$id`.
    static let defaultBase = URIReference("urn:tongban:schema")

    /// Keywords whose value is a schema, an array of schemas or a map of schemas.
    static let schemaKeywords: Set<String> = [
        "additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else",
        "unevaluatedItems", "unevaluatedProperties", "contentSchema",
    ]
    static let schemaArrayKeywords: Set<String> = ["prefixItems", "allOf", "anyOf", "oneOf"]
    static let schemaMapKeywords: Set<String> = ["properties", "patternProperties", "$defs", "dependentSchemas"]

    init(documents: [JSONValue]) throws(JSONSchemaError) {
        self.documents = documents
        for (document, value) in documents.enumerated() {
            if document > 0 {
                guard let id = value["$id"]?.stringValue, URIReference(id).scheme != nil else {
                    throw JSONSchemaError(location: "resources[\(document - 1)]", reason: "a schema resource needs an absolute $id")
                }
            }
            try scan(value, at: SchemaLocation(document: document, tokens: []), base: SchemaIndex.defaultBase, resource: nil)
        }
    }

    func value(at location: SchemaLocation) -> JSONValue? {
        JSONPointer.resolve(location.tokens, in: documents[location.document])
    }

    /// A location as users see it in errors: `#/properties/a`, prefixed with the `$id` of extra resources.
    func describe(_ location: SchemaLocation) -> String {
        let fragment = JSONPointer.fragment(location.tokens)
        guard location.document > 0, let id = documents[location.document]["$id"]?.stringValue else { return fragment }
        return URIReference(id).withoutFragment.description + fragment
    }

    /// Records the subschema at `location` and everything below it; `resource` is nil at a document root.
    private mutating func scan(_ value: JSONValue, at location: SchemaLocation, base: URIReference, resource: Int?) throws(JSONSchemaError) {
        var base = base
        let current: Int
        if case .object(let object) = value, let id = object["$id"] {
            guard case .string(let text) = id else { throw error(location.appending("$id"), "$id must be a string") }
            let resolved = URIReference(text).resolved(against: base)
            guard resolved.fragment?.isEmpty ?? true else { throw error(location.appending("$id"), "$id must not have a fragment") }
            base = resolved.withoutFragment
            current = try register(base, at: location)
        } else if let resource {
            current = resource
        } else {
            current = try register(base, at: location)
        }
        scopes[location] = Scope(base: base, resource: current)
        guard case .object(let object) = value else { return }

        for keyword in ["$anchor", "$dynamicAnchor"] {
            guard let anchor = object[keyword] else { continue }
            guard case .string(let name) = anchor, SchemaIndex.isAnchorName(name) else {
                throw error(location.appending(keyword), "\(keyword) must be a name such as \"node\" (letters, digits, - _ .)")
            }
            let key = base.description + "#" + name
            if let existing = anchors[key], existing != location {
                throw error(location.appending(keyword), "anchor \"\(name)\" is declared twice in \(base)")
            }
            anchors[key] = location
            if keyword == "$dynamicAnchor" { resources[current].dynamicAnchors[name] = location }
        }

        for entry in object.entries {
            let child = location.appending(entry.key)
            if SchemaIndex.schemaKeywords.contains(entry.key) {
                try scan(entry.value, at: child, base: base, resource: current)
            } else if SchemaIndex.schemaArrayKeywords.contains(entry.key), case .array(let items) = entry.value {
                for (index, item) in items.enumerated() {
                    try scan(item, at: child.appending(String(index)), base: base, resource: current)
                }
            } else if SchemaIndex.schemaMapKeywords.contains(entry.key), case .object(let members) = entry.value {
                for member in members.entries {
                    try scan(member.value, at: child.appending(member.key), base: base, resource: current)
                }
            }
        }
    }

    private mutating func register(_ uri: URIReference, at location: SchemaLocation) throws(JSONSchemaError) -> Int {
        let key = uri.description
        guard resourceByURI[key] == nil else { throw error(location, "$id \"\(key)\" is used by two schema resources") }
        resources.append(Resource(location: location))
        resourceByURI[key] = resources.count - 1
        return resources.count - 1
    }

    private func error(_ location: SchemaLocation, _ reason: String) -> JSONSchemaError {
        JSONSchemaError(location: describe(location), reason: reason)
    }

    /// `$anchor` syntax: a letter or underscore, then letters, digits, `-`, `_`, `.`.
    private static func isAnchorName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
