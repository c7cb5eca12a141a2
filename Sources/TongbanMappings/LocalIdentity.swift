import TongbanCore

/// Who "we" are in every agreement: the local region the gateway serves.
/// Loaded from `mappings/local.yaml`; mappings read it as the `local` variable.
public struct LocalIdentity: Sendable {
    public let division: String
    public let name: String

    public static func load(_ yaml: YAMLNode) throws(MappingError) -> LocalIdentity {
        let fields = try yaml.fields(allowed: ["division", "name"], required: ["division", "name"])
        let divisionNode = try fields.required("division")
        let division = try divisionNode.string()
        if let problem = DivisionCodes.standard.problem(withCode: division, mustBeCurrent: true) {
            throw divisionNode.error("division \(division): \(problem)")
        }
        return LocalIdentity(division: division, name: try fields.required("name").string())
    }

    var json: JSONValue { ["division": .string(division), "name": .string(name)] }
}
