import TongbanCore

/// One partner's agreement, code lists, compiled mappings and schemas: everything needed to
/// translate its messages, loaded once and shared by every request.
public final class PartnerMapping: Sendable {
    public let agreement: Agreement
    public let codeLists: [String: CodeList]
    let plans: [Route: MappingPlan]
    let schemas: [MessageKind: PayloadSchema]
    let local: LocalIdentity
    let localJSON: JSONValue
    let partnerJSON: JSONValue

    /// A mapping file per direction and message kind.
    struct Route: Hashable, Sendable {
        var direction: Direction
        var kind: MessageKind

        var fileName: String { "\(direction.rawValue)-\(kind.rawValue).yaml" }
        static let all = Direction.allCases.flatMap { d in MessageKind.allCases.map { Route(direction: d, kind: $0) } }
    }

    public var name: String { agreement.partner }
    public var matters: CodeList { codeLists[agreement.mattersList]! }

    init(agreement: Agreement, codeLists: [String: CodeList], plans: [Route: MappingPlan], schemas: [MessageKind: PayloadSchema], local: LocalIdentity) {
        self.agreement = agreement
        self.codeLists = codeLists
        self.plans = plans
        self.schemas = schemas
        self.local = local
        localJSON = local.json
        partnerJSON = [
            "name": .string(agreement.name),
            "division": .string(agreement.divisions[0]),
            "divisions": .array(agreement.divisions.map(JSONValue.string)),
        ]
    }
}
