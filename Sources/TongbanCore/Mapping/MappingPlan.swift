/// One mapping file compiled into an executable plan.
///
/// ```yaml
/// description: local case → KSTB SB/BZ message
/// namespace: urn:ha:zwfw:kstb:2      # default namespace of unprefixed XML element names
/// namespaces: {ds: "http://…"}       # other prefixes
/// let:                               # named values, computed once per document, in order
///   hoursPerWorkingDay: 8
/// reject:                            # inputs this agreement refuses, with a clear reason
///   - when: BWT.YWLX == 'CH'
///     path: /KSTB/BWT/YWLX
///     reason: a withdrawal is not a case
/// output:
///   KSTB: …
/// ```
public struct MappingPlan: Sendable {
    public enum Format: String, Sendable { case json, xml }

    public let file: String
    public let sourceFormat: Format
    public let outputFormat: Format
    /// Namespace URI → prefix ("" = default) for writing XML output.
    public let outputPrefixes: [String: String]
    let lets: [(slot: Int, expression: Expression)]
    let rejects: [(condition: Expression, path: String, reason: [ReasonPart])]
    let rootName: OutputKey
    let output: Template
    let slotCount: Int
    let zoneOffset: Int

    /// The produced document.
    public enum Output: Sendable {
        case json(JSONValue)
        case xml(XMLTree)
    }

    static let reservedVariables = ["local", "partner", "message", "item", "position"]

    public static func compile(_ yaml: YAMLNode, sourceFormat: Format, outputFormat: Format, codeLists: [String: CodeList], towardPartner: Bool, zoneOffset: Int) throws(MappingErrors) -> MappingPlan {
        var errors: [MappingError] = []
        do {
            let plan = try compile(yaml, sourceFormat: sourceFormat, outputFormat: outputFormat, codeLists: codeLists,
                                   towardPartner: towardPartner, zoneOffset: zoneOffset, errors: &errors)
            if errors.isEmpty { return plan }
        } catch {
            errors.append(error)
        }
        throw MappingErrors(errors.sorted { ($0.line ?? 0, $0.column ?? 0) < ($1.line ?? 0, $1.column ?? 0) })
    }

    /// Compiles what it can; mistakes in single members, `let` values and `reject` rules are
    /// collected in `errors`, a mistake in the file's structure is thrown.
    static func compile(_ yaml: YAMLNode, sourceFormat: Format, outputFormat: Format, codeLists: [String: CodeList], towardPartner: Bool, zoneOffset: Int, errors: inout [MappingError]) throws(MappingError) -> MappingPlan {
        let fields = try yaml.fields(allowed: ["description", "namespace", "namespaces", "let", "reject", "output"], required: ["output"])
        var namespaces: [String: String] = [:]
        if let node = fields["namespace"] {
            guard sourceFormat == .xml || outputFormat == .xml else { throw node.error("'namespace' is only for XML mappings") }
            namespaces[""] = try node.string()
        }
        if let node = fields["namespaces"] {
            for entry in try node.mapping() {
                guard !entry.key.isEmpty, !entry.key.contains(":") else { throw entry.keyNode.error("'\(entry.key)' is not a valid prefix") }
                namespaces[entry.key] = try entry.value.string()
            }
        }
        var scope = CompileScope(variables: [:], slotCount: 0, sourceFormat: sourceFormat == .xml ? .xml : .json,
                                 namespaces: namespaces, codeLists: codeLists, towardPartner: towardPartner)
        _ = scope.bind("local")
        _ = scope.bind("partner")
        _ = scope.bind("message")

        var lets: [(slot: Int, expression: Expression)] = []
        if let node = fields["let"] {
            for entry in try node.mapping() {
                guard !reservedVariables.contains(entry.key) else { errors.append(entry.keyNode.error("'\(entry.key)' is a reserved name")); continue }
                guard scope.variables[entry.key] == nil else { errors.append(entry.keyNode.error("'\(entry.key)' is already defined")); continue }
                let compiler = TemplateCompiler(scope: scope, outputFormat: .json, outputNamespaces: namespaces)
                do {
                    let expression = try compiler.expression(entry.value)
                    lets.append((scope.bind(entry.key), expression))
                } catch {
                    errors.append(error)
                    _ = scope.bind(entry.key)
                }
            }
        }

        var rejects: [(condition: Expression, path: String, reason: [ReasonPart])] = []
        if let node = fields["reject"] {
            for item in try node.sequence() {
                do {
                    let rule = try item.fields(allowed: ["when", "path", "reason"], required: ["when", "path", "reason"])
                    let compiler = TemplateCompiler(scope: scope, outputFormat: .json, outputNamespaces: namespaces)
                    rejects.append((try compiler.expression(try rule.required("when")), try rule.required("path").string(),
                                    try ReasonPart.compile(try rule.required("reason"), compiler: compiler)))
                } catch {
                    errors.append(error)
                }
            }
        }

        let outputNode = try fields.required("output")
        var compiler = TemplateCompiler(scope: scope, outputFormat: outputFormat == .xml ? .xml : .json, outputNamespaces: namespaces)
        let rootName: OutputKey
        let output: Template
        if outputFormat == .xml {
            let entries = try outputNode.mapping("a mapping with the root element")
            guard entries.count == 1, let root = entries.first, !root.key.hasPrefix("@"), !root.key.hasPrefix("$") else {
                throw outputNode.error("XML output needs exactly one root element")
            }
            // The root is compiled as the member of a one-member container to reuse name resolution.
            guard case .container(let wrapper) = try compiler.compile(outputNode), let only = wrapper.members.first else {
                throw outputNode.error("XML output needs exactly one root element")
            }
            rootName = only.key
            output = only.template
        } else {
            rootName = .member("")
            output = try compiler.compile(outputNode)
        }
        errors += compiler.errors
        var prefixes: [String: String] = [:]
        for (prefix, uri) in namespaces { prefixes[uri] = prefix }
        return MappingPlan(file: yaml.file, sourceFormat: sourceFormat, outputFormat: outputFormat, outputPrefixes: prefixes,
                           lets: lets, rejects: rejects, rootName: rootName, output: output,
                           slotCount: compiler.scope.slotCount, zoneOffset: zoneOffset)
    }

    /// Runs the plan over one source document; every problem is reported, nothing partial returned.
    public func run(source: MappingValue, local: JSONValue, partner: JSONValue, context: TranslationContext) -> Result<Output, ValidationFailure> {
        var evaluation = Evaluation(root: source, slots: Array(repeating: .absent, count: slotCount), context: context,
                                    zoneOffset: zoneOffset, xmlPaths: outputFormat == .xml)
        evaluation.slots[0] = .from(local)
        evaluation.slots[1] = .from(partner)
        evaluation.slots[2] = .from(context.message)
        for binding in lets { evaluation.slots[binding.slot] = evaluation.evaluate(binding.expression) }
        var refused: [ValidationIssue] = []
        for rule in rejects where evaluation.evaluate(rule.condition).isTruthy {
            let reason = rule.reason.map { part in
                switch part {
                case .text(let text): return text
                case .value(let expression): return evaluation.evaluate(expression).text ?? "(absent)"
                }
            }.joined()
            refused.append(ValidationIssue(path: rule.path, reason: reason))
        }
        if !refused.isEmpty { return .failure(ValidationFailure(refused)) }

        switch outputFormat {
        case .json:
            let value = evaluation.buildJSON(output) ?? .object(JSONObject())
            if !evaluation.issues.isEmpty { return .failure(ValidationFailure(evaluation.issues)) }
            return .success(.json(value))
        case .xml:
            guard case .element(let name, let display) = rootName else { return .failure(ValidationFailure([ValidationIssue(path: "/", reason: "no root element")])) }
            var roots: [XMLTree.Element] = []
            evaluation.outputPath.append(.key(display))
            evaluation.buildElements(name, display: display, output, into: &roots)
            if !evaluation.issues.isEmpty { return .failure(ValidationFailure(evaluation.issues)) }
            guard roots.count == 1 else {
                return .failure(ValidationFailure([ValidationIssue(path: "/" + display, reason: "the mapping produced \(roots.count) root elements instead of one")]))
            }
            return .success(.xml(XMLTree(root: roots[0])))
        }
    }
}

/// A reject reason: plain text with `{expression}` parts, e.g. `the partner answered code {code}`.
enum ReasonPart: Sendable {
    case text(String)
    case value(Expression)

    static func compile(_ node: YAMLNode, compiler: TemplateCompiler) throws(MappingError) -> [ReasonPart] {
        let source = try node.string()
        var parts: [ReasonPart] = []
        var rest = Substring(source)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { parts.append(.text(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else { throw node.error("unclosed '{' in reason") }
            let expressionText = String(rest[rest.index(after: open)..<close])
            do {
                parts.append(.value(try ExpressionParser.parse(expressionText, scope: compiler.scope)))
            } catch {
                throw node.error("in `{\(expressionText)}`: \(error.message)")
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return parts
    }
}
