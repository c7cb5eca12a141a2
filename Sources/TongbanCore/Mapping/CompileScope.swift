/// What an expression may refer to while it is compiled: variables, the source format and its
/// namespaces, the agreement's code lists and time zone.
struct CompileScope {
    enum SourceFormat { case json, xml }

    var variables: [String: Int]
    var slotCount: Int
    let sourceFormat: SourceFormat
    /// Prefix → namespace URI for XML names; the empty prefix is the default namespace of
    /// unprefixed element names.
    let namespaces: [String: String]
    let codeLists: [String: CodeList]
    let towardPartner: Bool

    mutating func bind(_ name: String) -> Int {
        let slot = slotCount
        slotCount += 1
        variables[name] = slot
        return slot
    }

    func qualifiedName(_ name: String, isAttribute: Bool, offset: Int) throws(ExpressionError) -> XMLQName {
        if let colon = name.firstIndex(of: ":") {
            let prefix = String(name[..<colon])
            guard let uri = namespaces[prefix] else {
                throw ExpressionError(message: "namespace prefix '\(prefix)' is not declared under 'namespaces'", offset: offset)
            }
            return XMLQName(String(name[name.index(after: colon)...]), namespace: uri)
        }
        // Unprefixed attributes are in no namespace (XML's rule); elements take the default one.
        return XMLQName(name, namespace: isAttribute ? nil : namespaces[""])
    }

    func nameStep(_ name: String, offset: Int) throws(ExpressionError) -> PathStep {
        let qname = sourceFormat == .xml ? try qualifiedName(name, isAttribute: false, offset: offset) : XMLQName(name)
        return .name(name, qname)
    }

    func attributeName(_ name: String, offset: Int) throws(ExpressionError) -> XMLQName {
        guard sourceFormat == .xml else {
            throw ExpressionError(message: "'@\(name)': attributes exist only in XML sources", offset: offset)
        }
        return try qualifiedName(name, isAttribute: true, offset: offset)
    }

    func call(_ name: String, arguments: [Expression], literals: [String?], offset: Int) throws(ExpressionError) -> Expression {
        func literal(_ index: Int, _ what: String) throws(ExpressionError) -> String {
            guard index < literals.count, let value = literals[index] else {
                throw ExpressionError(message: "\(name): the \(what) must be a quoted text literal", offset: offset)
            }
            return value
        }
        switch name {
        case "code":
            guard arguments.count == 2 else { throw ExpressionError(message: "code(value, 'list') takes 2 arguments", offset: offset) }
            let listName = try literal(1, "code list name")
            guard let list = codeLists[listName] else {
                let known = codeLists.keys.sorted().joined(separator: ", ")
                throw ExpressionError(message: "unknown code list '\(listName)' (this partner has: \(known))", offset: offset)
            }
            return .code(arguments[0], list, towardPartner: towardPartner)
        case "formatTime", "parseTime":
            guard arguments.count == 2 else { throw ExpressionError(message: "\(name)(value, 'pattern') takes 2 arguments", offset: offset) }
            let text = try literal(1, "time pattern")
            let pattern: TimePattern
            do { pattern = try TimePattern(text) } catch { throw ExpressionError(message: "\(name): \(error)", offset: offset) }
            return name == "formatTime" ? .formatTime(arguments[0], pattern) : .parseTime(arguments[0], pattern)
        default:
            guard let function = MappingFunction(rawValue: name) else {
                throw ExpressionError(message: "unknown function '\(name)'", offset: offset)
            }
            guard function.arity.contains(arguments.count) else {
                throw ExpressionError(message: "\(function.signature) does not take \(arguments.count) argument(s)", offset: offset)
            }
            return .call(function, arguments)
        }
    }
}
