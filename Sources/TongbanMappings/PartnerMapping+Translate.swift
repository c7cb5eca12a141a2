import TongbanCore
import TongbanXML

extension PartnerMapping {
    /// Translates one message, checking it on both sides.
    ///
    /// Outbound: the local message is validated (a case also against this agreement's regions and
    /// matters), mapped, encoded in the partner's format and encoding, and the exact bytes are
    /// validated against the partner's schema. Inbound: the partner's bytes are decoded and
    /// validated against its schema, mapped, and the result validated as a local message.
    /// Any problem refuses the whole message with every issue listed; nothing partial comes out.
    public func translate(_ input: [UInt8], direction: Direction, kind: MessageKind, context: TranslationContext) -> Result<[UInt8], ValidationFailure> {
        let plan = plans[Route(direction: direction, kind: kind)]!
        let schema = schemas[kind]!
        switch direction {
        case .outbound:
            let source: JSONValue
            do { source = try JSONParser.parse(input) } catch { return .failure(ValidationFailure([ValidationIssue(path: "$", reason: error.description)])) }
            return translateOutbound(source, kind: kind, context: context)

        case .inbound:
            let source: MappingValue
            var json: JSONValue?
            switch agreement.format {
            case .json:
                do { json = try JSONParser.parse(input) } catch { return .failure(ValidationFailure([ValidationIssue(path: "$", reason: error.description)])) }
                source = .json(json!)
            case .xml:
                do { source = .element(try XMLCodec.parse(input).root) } catch {
                    return .failure(ValidationFailure([ValidationIssue(path: "/", reason: error.description)]))
                }
            }
            let schemaIssues = json.map { schema.issues(in: $0) } ?? schema.issues(inXML: input)
            guard schemaIssues.isEmpty else { return .failure(ValidationFailure(schemaIssues.map(PartnerMapping.partnerSchemaIssue))) }
            let output: JSONValue
            switch plan.run(source: source, local: localJSON, partner: partnerJSON, context: context) {
            case .success(.json(let value)): output = value
            case .success(.xml): return .failure(ValidationFailure([ValidationIssue(path: "$", reason: "an inbound mapping must produce JSON")]))
            case .failure(let failure): return .failure(failure)
            }
            switch kind {
            case .case:
                switch LocalCase.validate(output) {
                case .success(let local): return .success(local.json.serialized())
                case .failure(let failure): return .failure(failure)
                }
            case .status:
                switch StatusUpdate.validate(output) {
                case .success(let status): return .success(status.json.serialized())
                case .failure(let failure): return .failure(failure)
                }
            }
        }
    }

    /// Translates a local message already parsed (the gateway parses a case once to route it):
    /// the outbound half of `translate`.
    public func translateOutbound(_ source: JSONValue, kind: MessageKind, context: TranslationContext) -> Result<[UInt8], ValidationFailure> {
        let plan = plans[Route(direction: .outbound, kind: kind)]!
        let schema = schemas[kind]!
        let issues = kind == .case ? checkLocalCase(source) : checkLocalStatus(source)
            guard issues.isEmpty else { return .failure(ValidationFailure(issues)) }
            let output: MappingPlan.Output
            switch plan.run(source: .json(source), local: localJSON, partner: partnerJSON, context: context) {
            case .success(let value): output = value
            case .failure(let failure): return .failure(failure)
            }
            switch output {
            case .json(let value):
                let issues = schema.issues(in: value)
                guard issues.isEmpty else { return .failure(ValidationFailure(issues.map(PartnerMapping.partnerSchemaIssue))) }
                return .success(value.serialized())
            case .xml(let tree):
                return encodeValidated(tree, prefixes: plan.outputPrefixes, schema: schema)
            }
    }

    /// An XML message in the partner's encoding, built as a document that the partner's XSD
    /// validates before it is written (docs/decisions/0003).
    func encodeValidated(_ tree: XMLTree, prefixes: [String: String], schema: PayloadSchema) -> Result<[UInt8], ValidationFailure> {
        guard case .xsd(let xsd) = schema else {
            return .failure(ValidationFailure([ValidationIssue(path: "/", reason: "a JSON Schema cannot check an XML payload")]))
        }
        do {
            return try XMLCodec.serialize(tree, encoding: agreement.encoding.rawValue, prefixes: prefixes, validatingWith: xsd)
                .mapError { ValidationFailure($0.issues.map(PartnerMapping.partnerSchemaIssue)) }
        } catch {
            return .failure(ValidationFailure([ValidationIssue(path: "/", reason: "cannot write XML: \(error)")]))
        }
    }

    /// A local case: valid in itself, and for a region and matter this agreement covers.
    func checkLocalCase(_ source: JSONValue) -> [ValidationIssue] {
        switch LocalCase.validate(source) {
        case .failure(let failure):
            var issues = failure.issues
            // Agreement problems are listed alongside the case's own, when the fields are readable.
            if let region = source["handlingRegion"]?.stringValue, !issues.contains(where: { $0.path == "$.handlingRegion" }) {
                issues += agreementIssues(region: region, matter: source["matter"]?["code"]?.stringValue, skipMatter: issues.contains { $0.path == "$.matter.code" })
            }
            return issues
        case .success(let local):
            return agreementIssues(region: local.handlingRegion, matter: local.matter.code, skipMatter: false)
        }
    }

    func agreementIssues(region: String, matter: String?, skipMatter: Bool) -> [ValidationIssue] {
        guard agreement.divisions.contains(region) else {
            return [ValidationIssue(path: "$.handlingRegion", reason: "region \(region) is not covered by the agreement with \(agreement.name) (\(agreement.partner): \(agreement.divisions.joined(separator: ", ")))")]
        }
        if !skipMatter, let matter, !matters.contains(local: matter) {
            return [ValidationIssue(path: "$.matter.code", reason: "matter \(matter) is not in the agreement with handling region \(region) (\(agreement.partner))")]
        }
        return []
    }

    func checkLocalStatus(_ source: JSONValue) -> [ValidationIssue] {
        switch StatusUpdate.validate(source) {
        case .success: return []
        case .failure(let failure): return failure.issues
        }
    }

    /// Issues the partner's schema finds in a payload of this partner's format.
    public func partnerSchemaIssues(_ bytes: [UInt8], kind: MessageKind) -> [ValidationIssue] {
        guard agreement.format == .json else { return schemas[kind]!.issues(inXML: bytes) }
        do { return schemas[kind]!.issues(in: try JSONParser.parse(bytes)) } catch { return [ValidationIssue(path: "$", reason: error.description)] }
    }

    /// Schema issues keep the partner-side path and say whose rule was broken.
    static func partnerSchemaIssue(_ issue: ValidationIssue) -> ValidationIssue {
        ValidationIssue(path: issue.path, reason: "partner schema: \(issue.reason)").redactingQuotedValues()
    }
}
