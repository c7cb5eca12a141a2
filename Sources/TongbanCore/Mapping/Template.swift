/// The compiled output side of a mapping: what to build, from which expressions.
///
/// The YAML under `output:` mirrors the partner document. A scalar is an expression; a mapping
/// is an object (JSON) or element content (XML), where keys starting with `@` are attributes
/// and `$`-keys are directives: `$if` (build only when true), `$else` (JSON value used when
/// `$if` is false), `$each` + `$as` (one entry per item), `$value` (the element's text, or the
/// entry's value).
indirect enum Template: Sendable {
    case leaf(Expression)
    case container(Container)
    case repeated(source: Expression, slot: Int, positionSlot: Int, body: Template)

    struct Container: Sendable {
        var members: [(key: OutputKey, template: Template)]
        var condition: Expression?
        var otherwise: JSONValue?
        /// XML only: the element's own text.
        var text: Expression?
    }
}

enum OutputKey: Sendable {
    case member(String)
    case element(XMLQName, display: String)
    case attribute(XMLQName, display: String)

    var display: String {
        switch self {
        case .member(let name): return name
        case .element(_, let display), .attribute(_, let display): return display
        }
    }
}

/// Compiles `output:` trees; `scope` grows as `$each` binds item variables.
struct TemplateCompiler {
    enum OutputFormat { case json, xml }

    var scope: CompileScope
    let outputFormat: OutputFormat
    /// Prefix → namespace URI for output element names; "" is the default namespace.
    let outputNamespaces: [String: String]
    /// Mistakes found so far; compilation goes on after one so that every mistake is listed.
    var errors: [MappingError] = []

    mutating func compile(_ node: YAMLNode) throws(MappingError) -> Template {
        if node.isScalar { return .leaf(try expression(node)) }
        let entries = try node.mapping("an expression or a mapping")
        var directives: [String: YAMLNode] = [:]
        for entry in entries where entry.key.hasPrefix("$") {
            guard ["$if", "$else", "$each", "$as", "$value"].contains(entry.key) else {
                throw entry.keyNode.error("unknown directive '\(entry.key)' (expected one of: $if, $else, $each, $as, $value)")
            }
            directives[entry.key] = entry.value
        }

        if let each = directives["$each"] {
            let source = try expression(each)
            let saved = scope
            var itemName = "item"
            if let asNode = directives["$as"] {
                itemName = try asNode.string()
                guard itemName.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0) }) else {
                    throw asNode.error("'\(itemName)' is not a valid variable name")
                }
            }
            let slot = scope.bind(itemName)
            let positionSlot = scope.bind("position")
            let body = try compileContainer(entries: entries, directives: directives, node: node, skipEach: true)
            let slotCount = scope.slotCount
            scope = saved
            scope.slotCount = slotCount
            return .repeated(source: source, slot: slot, positionSlot: positionSlot, body: body)
        }
        if directives["$as"] != nil { throw directives["$as"]!.error("'$as' is only used with '$each'") }
        return try compileContainer(entries: entries, directives: directives, node: node, skipEach: false)
    }

    private mutating func compileContainer(entries: [(key: String, keyNode: YAMLNode, value: YAMLNode)], directives: [String: YAMLNode], node: YAMLNode, skipEach: Bool) throws(MappingError) -> Template {
        let condition = try directives["$if"].map { (n: YAMLNode) throws(MappingError) -> Expression in try expression(n) }
        var otherwise: JSONValue?
        if let elseNode = directives["$else"] {
            guard condition != nil else { throw elseNode.error("'$else' needs '$if'") }
            guard outputFormat == .json else { throw elseNode.error("'$else' is only for JSON output (an XML element is simply omitted)") }
            otherwise = try elseNode.typedScalar()
        }
        let members = entries.filter { !$0.key.hasPrefix("$") }
        if let valueNode = directives["$value"] {
            let text = try expression(valueNode)
            if outputFormat == .json {
                guard members.isEmpty else { throw valueNode.error("'$value' cannot be combined with members in JSON output") }
                if condition == nil { return .leaf(text) }
                return .container(Template.Container(members: [], condition: condition, otherwise: otherwise, text: text))
            }
            return .container(Template.Container(members: try compileMembers(members), condition: condition, otherwise: otherwise, text: text))
        }
        if members.isEmpty, !skipEach {
            throw node.error("an output mapping needs at least one member or '$value'")
        }
        return .container(Template.Container(members: try compileMembers(members), condition: condition, otherwise: otherwise, text: nil))
    }

    private mutating func compileMembers(_ members: [(key: String, keyNode: YAMLNode, value: YAMLNode)]) throws(MappingError) -> [(key: OutputKey, template: Template)] {
        var compiled: [(key: OutputKey, template: Template)] = []
        for member in members {
            let key: OutputKey
            switch outputFormat {
            case .json:
                key = .member(member.key)
            case .xml:
                if member.key.hasPrefix("@") {
                    key = .attribute(try outputName(String(member.key.dropFirst()), isAttribute: true, node: member.keyNode), display: member.key)
                } else {
                    key = .element(try outputName(member.key, isAttribute: false, node: member.keyNode), display: member.key)
                }
            }
            if case .attribute = key, !member.value.isScalar {
                errors.append(member.value.error("an attribute takes an expression, not a mapping"))
                continue
            }
            do {
                compiled.append((key, try compile(member.value)))
            } catch {
                errors.append(error)
            }
        }
        return compiled
    }

    private func outputName(_ name: String, isAttribute: Bool, node: YAMLNode) throws(MappingError) -> XMLQName {
        if let colon = name.firstIndex(of: ":") {
            let prefix = String(name[..<colon])
            guard let uri = outputNamespaces[prefix] else { throw node.error("namespace prefix '\(prefix)' is not declared under 'namespaces'") }
            return XMLQName(String(name[name.index(after: colon)...]), namespace: uri)
        }
        return XMLQName(name, namespace: isAttribute ? nil : outputNamespaces[""])
    }

    func expression(_ node: YAMLNode) throws(MappingError) -> Expression {
        let text = try node.string("an expression")
        do {
            return try ExpressionParser.parse(text, scope: scope)
        } catch {
            var column = node.column
            // Plain scalars start at the node's column; quoted ones one character later.
            if let c = column, case .scalar(let scalar) = node.node { column = c + error.offset + (scalar.style == .plain ? 0 : 1) }
            throw MappingError(file: node.file, line: node.line, column: column, message: "in expression `\(text)`: \(error.message)")
        }
    }
}
