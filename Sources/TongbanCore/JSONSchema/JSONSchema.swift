/// A compiled JSON Schema (draft 2020-12) that validates instances.
///
/// Compiled once when a partner's schema is loaded and then shared by every request: the
/// schema becomes a table of precompiled nodes (patterns compiled, `$ref` resolved, recursion
/// allowed), and `isValid` walks it without building paths; for the usual schemas (anchored
/// patterns, no `unevaluated*` or `$dynamicRef`) it allocates nothing. Only an invalid instance
/// pays for issue paths and messages.
///
/// Supported: every assertion and applicator of the core, applicator, unevaluated and validation
/// vocabularies, boolean schemas, `$ref`/`$dynamicRef` with `$id`, `$anchor`, `$dynamicAnchor`
/// and JSON pointers. `format` is an annotation unless `formatAssertion` is set. Unknown
/// keywords are ignored, as the specification says. Nothing is ever fetched: a `$ref` to
/// another document needs that document among `resources`.
public final class JSONSchema: Sendable {
    let nodes: [SchemaNode]
    let root: Int
    /// Per schema resource, the nodes of its `$dynamicAnchor`s.
    let dynamicAnchors: [[String: Int]]
    /// Whether some `$dynamicRef` needs the dynamic scope kept while validating.
    let tracksDynamicScope: Bool

    /// - Parameters:
    ///   - schema: the schema document.
    ///   - formatAssertion: check `format` for `date-time`, `date` and `time` (RFC 3339)
    ///     instead of treating it as an annotation; other format names stay annotations.
    ///   - resources: further schema documents, each with an absolute `$id`, that `$ref` may point into
    ///     (shared definitions, the draft 2020-12 meta-schema).
    public init(_ schema: JSONValue, formatAssertion: Bool = false, resources: [JSONValue] = []) throws(JSONSchemaError) {
        let index = try SchemaIndex(documents: [schema] + resources)
        var compiler = SchemaCompiler(index: index, formatAssertion: formatAssertion)
        root = try compiler.compileRoot()
        nodes = compiler.nodes
        dynamicAnchors = compiler.dynamicAnchors
        tracksDynamicScope = compiler.usesDynamicScope
    }

    /// Every problem with `instance`, at instance paths such as `$.materials[1].sha256`; empty when valid.
    public func validate(_ instance: JSONValue) -> [ValidationIssue] {
        var evaluator = SchemaEvaluator(schema: self)
        guard !evaluator.isValid(root, instance) else { return [] }
        var issues: [ValidationIssue] = []
        evaluator.collectIssues(root, instance, at: .root, into: &issues)
        return issues
    }

    /// Whether `instance` is valid; stops at the first problem and builds no issues.
    public func isValid(_ instance: JSONValue) -> Bool {
        var evaluator = SchemaEvaluator(schema: self)
        return evaluator.isValid(root, instance)
    }
}
