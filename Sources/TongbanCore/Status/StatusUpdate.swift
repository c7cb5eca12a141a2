/// One status report about a case: the canonical record every partner's status message is
/// mapped to, and what the gateway stores in the case's history.
///
/// Only `validate(_:divisions:)` makes one, so its fields have been checked.
public struct StatusUpdate: Sendable, Hashable {
    /// The number the sender of the case gave it (1–50 characters), which is how the sender
    /// finds its case again.
    public let caseNumber: String
    /// The handling side's own number for the case (1–50 characters), when it reports one.
    public let handlerCaseNumber: String?
    public let status: CaseStatus
    /// When the status was reached, as the reporting side wrote it.
    public let at: Timestamp
    /// 办理意见, at most 1000 characters.
    public let opinion: String?
    /// The result document (结果证照) of a completed case.
    public let result: ResultDocument?
    /// The 6-digit GB/T 2260 code of the partner region the update concerns.
    public let partnerRegion: String?

    public struct ResultDocument: Sendable, Hashable {
        /// 结果证照名称, 1–200 characters.
        public let name: String
        /// 结果证照编号, at most 50 characters.
        public let number: String?
    }

    static let members = ["caseNumber", "handlerCaseNumber", "status", "at", "opinion", "result", "partnerRegion"]
    static let resultMembers = ["name", "number"]

    /// Checks a status record and returns it typed, or every problem with its JSON path.
    public static func validate(_ json: JSONValue, divisions: DivisionCodes = .standard) -> Result<StatusUpdate, ValidationFailure> {
        var issues = IssueCollector()
        guard let root = issues.members(of: json, at: .root, allowed: members) else {
            return .failure(ValidationFailure(issues.issues))
        }
        let caseNumber = issues.caseNumber("caseNumber", in: root)
        let handlerCaseNumber = issues.caseNumber("handlerCaseNumber", in: root, required: false)
        let status = issues.choice("status", in: root, as: CaseStatus.self)
        let at = issues.timestamp("at", in: root)
        let opinion = issues.string("opinion", in: root, required: false, length: 0...1000)
        var result: ResultDocument?
        if let members = issues.object("result", in: root, required: false, allowed: resultMembers) {
            let name = issues.string("name", in: members, length: 1...200)
            let number = issues.string("number", in: members, required: false, length: 0...50)
            result = name.map { ResultDocument(name: $0, number: number) }
        }
        var partnerRegion: String?
        if root.has("partnerRegion") {
            if let code = issues.string("partnerRegion", in: root, length: 1...Int.max) {
                if code.utf8.count != 6 || !code.utf8.allSatisfy(ASCIIDigits.isDigit) {
                    issues.add(root.path / "partnerRegion", "must be a 6-digit GB/T 2260 division code")
                } else if let problem = divisions.problem(withCode: code, mustBeCurrent: false) {
                    issues.add(root.path / "partnerRegion", problem)
                }
                partnerRegion = code
            }
        }
        guard issues.issues.isEmpty, let caseNumber, let status, let at else {
            return .failure(ValidationFailure(issues.issues))
        }
        return .success(StatusUpdate(caseNumber: caseNumber, handlerCaseNumber: handlerCaseNumber, status: status, at: at,
                                     opinion: opinion, result: result, partnerRegion: partnerRegion))
    }

    /// The canonical JSON, members in the order of `members`, absent optional members omitted.
    public var json: JSONValue {
        var object = JSONObject()
        object.append("caseNumber", .string(caseNumber))
        if let handlerCaseNumber { object.append("handlerCaseNumber", .string(handlerCaseNumber)) }
        object.append("status", .string(status.rawValue))
        object.append("at", .string(at.rfc3339()))
        if let opinion { object.append("opinion", .string(opinion)) }
        if let result {
            var document = JSONObject()
            document.append("name", .string(result.name))
            if let number = result.number { document.append("number", .string(number)) }
            object.append("result", .object(document))
        }
        if let partnerRegion { object.append("partnerRegion", .string(partnerRegion)) }
        return .object(object)
    }
}
