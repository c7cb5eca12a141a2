extension SchemaCompiler {
    /// The keywords of one schema object, cheapest checks first; unknown keywords are ignored.
    mutating func keywords(of object: JSONObject, at location: SchemaLocation, base: URIReference) throws(JSONSchemaError) -> [SchemaKeyword] {
        var keywords: [SchemaKeyword] = []
        func argument(_ name: String) -> (value: JSONValue, location: SchemaLocation)? {
            object[name].map { ($0, location.appending(name)) }
        }

        if let (value, at) = argument("type") { keywords.append(.assertion(.type(try types(value, at: at)))) }
        if let value = object["const"] { keywords.append(.assertion(.constant(value))) }
        if let (value, at) = argument("enum") {
            guard case .array(let values) = value else { throw error(at, "enum must be an array") }
            keywords.append(.assertion(.enumeration(values)))
        }

        // Strings
        if let (value, at) = argument("minLength") { keywords.append(.assertion(.minLength(try count(value, at: at)))) }
        if let (value, at) = argument("maxLength") { keywords.append(.assertion(.maxLength(try count(value, at: at)))) }
        if let (value, at) = argument("pattern") {
            guard case .string(let source) = value else { throw error(at, "pattern must be a string") }
            keywords.append(.assertion(.pattern(try pattern(source, at: at))))
        }
        if formatAssertion, let (value, at) = argument("format") {
            guard case .string(let name) = value else { throw error(at, "format must be a string") }
            if let format = SchemaFormat(rawValue: name) { keywords.append(.assertion(.format(format))) }
        }

        // Numbers
        if let (value, at) = argument("minimum") { keywords.append(.assertion(.minimum(try number(value, at: at)))) }
        if let (value, at) = argument("maximum") { keywords.append(.assertion(.maximum(try number(value, at: at)))) }
        if let (value, at) = argument("exclusiveMinimum") { keywords.append(.assertion(.exclusiveMinimum(try number(value, at: at)))) }
        if let (value, at) = argument("exclusiveMaximum") { keywords.append(.assertion(.exclusiveMaximum(try number(value, at: at)))) }
        if let (value, at) = argument("multipleOf") {
            let divisor = try number(value, at: at)
            guard divisor.compareNumber(to: .int(0)) == 1 else { throw error(at, "multipleOf must be greater than 0") }
            guard let decimal = DecimalNumber(divisor) else { throw error(at, "multipleOf has too many digits") }
            keywords.append(.assertion(.multipleOf(decimal, written: divisor)))
        }

        // Objects: members first, so that their issues come before those of the object as a whole
        let named = try schemaMap("properties", of: object, at: location)
        let patterned = try schemaMap("patternProperties", of: object, at: location)
        let additional = try schema("additionalProperties", of: object, at: location)
        if !named.isEmpty || !patterned.isEmpty || additional != nil {
            var patterns: [(pattern: Pattern, schema: Int)] = []
            for (source, schema) in patterned {
                patterns.append((try pattern(source, at: location.appending(["patternProperties", source])), schema))
            }
            keywords.append(.members(MemberRules(named: named.map { (name: $0.0, schema: $0.1) }, patterns: patterns, additional: additional)))
        }
        if let names = try schema("propertyNames", of: object, at: location) { keywords.append(.propertyNames(names)) }
        let dependents = try schemaMap("dependentSchemas", of: object, at: location)
        if !dependents.isEmpty { keywords.append(.dependentSchemas(dependents.map { (property: $0.0, schema: $0.1) })) }

        if let (value, at) = argument("required") { keywords.append(.required(try strings(value, at: at))) }
        if let (value, at) = argument("minProperties") { keywords.append(.assertion(.minProperties(try count(value, at: at)))) }
        if let (value, at) = argument("maxProperties") { keywords.append(.assertion(.maxProperties(try count(value, at: at)))) }
        if let (value, at) = argument("dependentRequired") {
            guard case .object(let map) = value else { throw error(at, "dependentRequired must be an object") }
            var rules: [(property: String, required: [String])] = []
            for entry in map.entries {
                rules.append((entry.key, try strings(entry.value, at: at.appending(entry.key))))
            }
            keywords.append(.dependentRequired(rules))
        }

        // Arrays
        if let (value, at) = argument("minItems") { keywords.append(.assertion(.minItems(try count(value, at: at)))) }
        if let (value, at) = argument("maxItems") { keywords.append(.assertion(.maxItems(try count(value, at: at)))) }
        if let (value, at) = argument("uniqueItems") {
            guard case .bool(let unique) = value else { throw error(at, "uniqueItems must be a boolean") }
            if unique { keywords.append(.assertion(.uniqueItems)) }
        }
        let prefix = try schemaArray("prefixItems", of: object, at: location)
        let rest = try schema("items", of: object, at: location)
        if !prefix.isEmpty || rest != nil { keywords.append(.items(prefix: prefix, rest: rest)) }
        if let contained = try schema("contains", of: object, at: location) {
            var minimum = 1
            var maximum: Int? = nil
            if let (value, at) = argument("minContains") { minimum = try count(value, at: at) }
            if let (value, at) = argument("maxContains") { maximum = try count(value, at: at) }
            keywords.append(.contains(contained, min: minimum, max: maximum))
        }

        // Combinations
        if object["allOf"] != nil { keywords.append(.allOf(try schemaArray("allOf", of: object, at: location, nonEmpty: true))) }
        if object["anyOf"] != nil { keywords.append(.anyOf(try schemaArray("anyOf", of: object, at: location, nonEmpty: true))) }
        if object["oneOf"] != nil { keywords.append(.oneOf(try schemaArray("oneOf", of: object, at: location, nonEmpty: true))) }
        if let negated = try schema("not", of: object, at: location) { keywords.append(.not(negated)) }
        if let condition = try schema("if", of: object, at: location) {
            keywords.append(.conditional(
                if: condition,
                then: try schema("then", of: object, at: location),
                else: try schema("else", of: object, at: location)
            ))
        }
        if let (value, at) = argument("$ref") {
            guard case .string(let text) = value else { throw error(at, "$ref must be a string") }
            keywords.append(.reference(try compile(try resolveReference(text, at: at, base: base).location)))
        }
        if let (value, at) = argument("$dynamicRef") {
            guard case .string(let text) = value else { throw error(at, "$dynamicRef must be a string") }
            keywords.append(try dynamicReference(text, at: at, base: base))
        }

        // Last: they depend on what the keywords above evaluated.
        if let unevaluated = try schema("unevaluatedProperties", of: object, at: location) {
            keywords.append(.unevaluatedProperties(unevaluated))
        }
        if let unevaluated = try schema("unevaluatedItems", of: object, at: location) {
            keywords.append(.unevaluatedItems(unevaluated))
        }
        return keywords
    }

    // MARK: Arguments

    private mutating func schema(_ keyword: String, of object: JSONObject, at location: SchemaLocation) throws(JSONSchemaError) -> Int? {
        guard object[keyword] != nil else { return nil }
        return try compile(location.appending(keyword))
    }

    private mutating func schemaArray(
        _ keyword: String, of object: JSONObject, at location: SchemaLocation, nonEmpty: Bool = false
    ) throws(JSONSchemaError) -> [Int] {
        guard let value = object[keyword] else { return [] }
        let at = location.appending(keyword)
        guard case .array(let items) = value, !(nonEmpty && items.isEmpty) else {
            throw error(at, "\(keyword) must be \(nonEmpty ? "a non-empty" : "an") array of schemas")
        }
        var nodes: [Int] = []
        for index in items.indices { nodes.append(try compile(at.appending(String(index)))) }
        return nodes
    }

    private mutating func schemaMap(_ keyword: String, of object: JSONObject, at location: SchemaLocation) throws(JSONSchemaError) -> [(String, Int)] {
        guard let value = object[keyword] else { return [] }
        let at = location.appending(keyword)
        guard case .object(let map) = value else { throw error(at, "\(keyword) must be an object whose members are schemas") }
        var nodes: [(String, Int)] = []
        for entry in map.entries { nodes.append((entry.key, try compile(at.appending(entry.key)))) }
        return nodes
    }

    private func types(_ value: JSONValue, at location: SchemaLocation) throws(JSONSchemaError) -> JSONTypes {
        let names: [JSONValue]
        switch value {
        case .string: names = [value]
        case .array(let items): names = items
        default: throw error(location, "type must be a type name or an array of them")
        }
        var types: JSONTypes = []
        for name in names {
            guard let text = name.stringValue, let type = JSONTypes.names.first(where: { $0.0 == text })?.1 else {
                throw error(location, "unknown type \(name.compactString)")
            }
            types.insert(type)
        }
        return types
    }

    private func count(_ value: JSONValue, at location: SchemaLocation) throws(JSONSchemaError) -> Int {
        guard let integer = value.integerValue, integer >= 0 else { throw error(location, "must be a non-negative integer") }
        return Int(clamping: integer)
    }

    private func number(_ value: JSONValue, at location: SchemaLocation) throws(JSONSchemaError) -> JSONValue {
        guard value.numberValue != nil else { throw error(location, "must be a number") }
        return value
    }

    private func strings(_ value: JSONValue, at location: SchemaLocation) throws(JSONSchemaError) -> [String] {
        guard case .array(let items) = value else { throw error(location, "must be an array of strings") }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else { throw error(location, "must be an array of strings") }
            strings.append(text)
        }
        return strings
    }

    private func pattern(_ source: String, at location: SchemaLocation) throws(JSONSchemaError) -> Pattern {
        do {
            return try Pattern(source)
        } catch {
            throw self.error(location, "\(error.reason) (offset \(error.offset) in \(source))")
        }
    }
}
