extension LocalCase {
    /// Member names of each object, in canonical order; anything else is an unknown field.
    enum Members {
        static let root = ["caseNumber", "version", "matter", "timeLimit", "applicant", "agent", "submittedAt",
                           "acceptingOffice", "handlingRegion", "materials", "resultDelivery", "remarks"]
        static let matter = ["code", "name", "caseType"]
        static let timeLimit = ["value", "unit"]
        static let party = ["kind", "name", "idType", "idNumber", "phone", "address"]
        static let office = ["name", "divisionCode", "creditCode"]
        static let material = ["name", "source", "licenseNumber", "sha256", "bytes", "pages"]
        static let resultDelivery = ["method", "address"]
    }

    /// The most materials one case may list.
    public static let maximumMaterials = 100

    /// Checks a submitted case against every rule of the canonical form and returns it typed, or
    /// all of its problems at once (each with its JSON path) so a clerk fixes the case in one
    /// round; nothing partial is returned.
    ///
    /// Birth dates in ID numbers may not be after the day the case was submitted, in the offset
    /// it was submitted in; when `submittedAt` itself is unusable, today in China Standard Time
    /// is the bound instead.
    public static func validate(_ json: JSONValue, divisions: DivisionCodes = .standard) -> Result<LocalCase, ValidationFailure> {
        var issues = IssueCollector()
        guard let root = issues.members(of: json, at: .root, allowed: Members.root) else {
            return .failure(ValidationFailure(issues.issues))
        }
        let submittedOn = (root.object["submittedAt"]?.stringValue.flatMap { Timestamp.parseRFC3339($0) } ?? Timestamp.now()).localDate

        let caseNumber = issues.caseNumber("caseNumber", in: root)
        let version = issues.integer("version", in: root, minimum: 1)
        let matter = issues.object("matter", in: root, allowed: Members.matter).flatMap { Matter.read($0, into: &issues) }
        let timeLimit = issues.object("timeLimit", in: root, allowed: Members.timeLimit).flatMap { TimeLimit.read($0, into: &issues) }
        let applicant = issues.object("applicant", in: root, allowed: Members.party).flatMap {
            Party.read($0, submittedOn: submittedOn, divisions: divisions, into: &issues)
        }
        let agentMembers = issues.object("agent", in: root, required: false, allowed: Members.party)
        let agent = agentMembers.flatMap { Party.read($0, submittedOn: submittedOn, divisions: divisions, into: &issues) }
        let submittedAt = issues.timestamp("submittedAt", in: root)
        let acceptingOffice = issues.object("acceptingOffice", in: root, allowed: Members.office).flatMap {
            Office.read($0, divisions: divisions, into: &issues)
        }
        let handlingRegion = issues.divisionCode("handlingRegion", in: root, divisions: divisions, mustBeCurrent: true)
        let materials = readMaterials(root, into: &issues)
        let resultDelivery = issues.object("resultDelivery", in: root, allowed: Members.resultDelivery).flatMap {
            ResultDelivery.read($0, into: &issues)
        }
        let remarks = issues.string("remarks", in: root, required: false, length: 0...1000, multiline: true)

        guard issues.issues.isEmpty, let caseNumber, let version, let matter, let timeLimit, let applicant,
              let submittedAt, let acceptingOffice, let handlingRegion, let resultDelivery
        else { return .failure(ValidationFailure(issues.issues)) }
        return .success(LocalCase(
            caseNumber: caseNumber, version: version, matter: matter, timeLimit: timeLimit, applicant: applicant,
            agent: agent, submittedAt: submittedAt, acceptingOffice: acceptingOffice, handlingRegion: handlingRegion,
            materials: materials, resultDelivery: resultDelivery, remarks: remarks))
    }

    private static func readMaterials(_ root: JSONMembers, into issues: inout IssueCollector) -> [Material] {
        guard let value = issues.value("materials", in: root, required: false) else { return [] }
        let path = root.path / "materials"
        guard case .array(let items) = value else {
            issues.typeMismatch("an array", value, at: path)
            return []
        }
        if items.count > maximumMaterials {
            issues.add(path, "must have at most \(maximumMaterials) items, found \(items.count)")
        }
        var materials: [Material] = []
        materials.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if let members = issues.members(of: item, at: path / index, allowed: Members.material),
               let material = Material.read(members, into: &issues) {
                materials.append(material)
            }
        }
        return materials
    }
}

extension LocalCase.Matter {
    static func read(_ members: JSONMembers, into issues: inout IssueCollector) -> Self? {
        let code = issues.string("code", in: members, length: 1...24)
        if let code, !code.utf8.allSatisfy({ ASCIIDigits.isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) }) {
            issues.add(members.path / "code", "must contain only letters A-Z, a-z and digits 0-9")
        }
        let name = issues.string("name", in: members, length: 1...200)
        let caseType = issues.choice("caseType", in: members, as: LocalCase.CaseType.self)
        guard let code, let name, let caseType else { return nil }
        return Self(code: code, name: name, caseType: caseType)
    }
}

extension LocalCase.TimeLimit {
    static func read(_ members: JSONMembers, into issues: inout IssueCollector) -> Self? {
        let value = issues.integer("value", in: members, minimum: 1)
        var unit: LocalCase.TimeUnit?
        if members.has("unit") {
            unit = issues.choice("unit", in: members, as: LocalCase.TimeUnit.self)
        } else {
            issues.add(members.path / "unit", "is required: a time limit must carry its unit (workingDay, calendarDay or hour)")
        }
        guard let value, let unit else { return nil }
        return Self(value: value, unit: unit)
    }
}

extension LocalCase.Party {
    static func read(_ members: JSONMembers, submittedOn: CivilDate, divisions: DivisionCodes,
                     into issues: inout IssueCollector) -> Self? {
        let kind = issues.choice("kind", in: members, as: LocalCase.PartyKind.self)
        let name = issues.string("name", in: members, length: 1...200)
        let idType = issues.choice("idType", in: members, as: LocalCase.IDType.self)
        switch (kind, idType) {
        case (.person?, .unifiedSocialCreditCode?):
            issues.add(members.path / "idType", "a person cannot use 001 (unified social credit code)")
        case (.organization?, let type?) where type != .unifiedSocialCreditCode && type != .other:
            issues.add(members.path / "idType", "an organization must use 001 (unified social credit code) or 990 (other)")
        default:
            break
        }
        let idNumber = issues.string("idNumber", in: members, length: 1...Int.max)
        if let idNumber, let idType {
            for problem in idType.problems(with: idNumber, divisions: divisions, notAfter: submittedOn) {
                issues.add(members.path / "idNumber", problem)
            }
        }
        let phone = issues.string("phone", in: members, required: false, length: 7...20)
        if let phone, !Self.isPhoneNumber(phone) {
            issues.add(members.path / "phone", "phone must be digits, with an optional leading + and - between groups")
        }
        let address = issues.string("address", in: members, required: false, length: 0...200)
        guard let kind, let name, let idType, let idNumber else { return nil }
        return Self(kind: kind, name: name, idType: idType, idNumber: idNumber, phone: phone, address: address)
    }

    /// `+86-722-1234567`, `13907220001`: digit groups joined by single `-`, optional leading `+`.
    private static func isPhoneNumber(_ text: String) -> Bool {
        var previous = UInt8(ascii: "-")
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "+") where index == 0: previous = byte
            case UInt8(ascii: "-") where ASCIIDigits.isDigit(previous): previous = byte
            case _ where ASCIIDigits.isDigit(byte): previous = byte
            default: return false
            }
        }
        return ASCIIDigits.isDigit(previous)
    }
}

extension LocalCase.IDType {
    /// The problems of an ID number under this document type's rules.
    func problems(with number: String, divisions: DivisionCodes, notAfter: CivilDate) -> [String] {
        switch self {
        case .residentIDCard, .temporaryResidentIDCard:
            return ResidentIDNumber.problems(number, divisions: divisions, notAfter: notAfter)
        case .unifiedSocialCreditCode:
            return CreditCode.problem(number).map { [$0] } ?? []
        case .householdRegister, .residencePermit, .passport, .other:
            let valid = (6...18).contains(number.utf8.count)
                && number.utf8.allSatisfy { ASCIIDigits.isDigit($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
            return valid ? [] : ["must be 6 to 18 characters of digits 0-9 and upper-case letters A-Z"]
        }
    }
}

extension LocalCase.Office {
    static func read(_ members: JSONMembers, divisions: DivisionCodes, into issues: inout IssueCollector) -> Self? {
        let name = issues.string("name", in: members, length: 1...200)
        let divisionCode = issues.divisionCode("divisionCode", in: members, divisions: divisions, mustBeCurrent: true)
        let creditCode = issues.string("creditCode", in: members, required: false, length: 1...Int.max)
        if let creditCode, let problem = CreditCode.problem(creditCode) {
            issues.add(members.path / "creditCode", problem)
        }
        guard let name, let divisionCode else { return nil }
        return Self(name: name, divisionCode: divisionCode, creditCode: creditCode)
    }
}

extension LocalCase.Material {
    enum SourceKind: String, CaseIterable {
        case eLicense
        case file
    }

    static func read(_ members: JSONMembers, into issues: inout IssueCollector) -> Self? {
        let name = issues.string("name", in: members, length: 1...200)
        let kind = issues.choice("source", in: members, as: SourceKind.self)
        var licenseNumber: String?
        if kind == .file {
            issues.forbid("licenseNumber", in: members, because: "not allowed for a file material")
        } else {
            licenseNumber = issues.string("licenseNumber", in: members, required: kind == .eLicense, length: 1...50)
        }
        var sha256: String?, bytes: Int?, pages: Int?
        if kind == .eLicense {
            for key in ["sha256", "bytes", "pages"] {
                issues.forbid(key, in: members, because: "not allowed for an eLicense material")
            }
        } else {
            sha256 = issues.string("sha256", in: members, required: kind == .file, length: 1...Int.max)
            if let digest = sha256, let problem = Self.sha256Problem(digest) {
                issues.add(members.path / "sha256", problem)
            }
            bytes = issues.integer("bytes", in: members, required: kind == .file, minimum: 0)
            pages = issues.integer("pages", in: members, required: kind == .file, minimum: 1)
        }
        switch kind {
        case .eLicense?:
            guard let name, let licenseNumber else { return nil }
            return Self(name: name, source: .eLicense(licenseNumber: licenseNumber))
        case .file?:
            guard let name, let sha256, let bytes, let pages else { return nil }
            return Self(name: name, source: .file(sha256: sha256, bytes: bytes, pages: pages))
        case nil:
            return nil
        }
    }

    /// Digests are compared as text by both sides, so only one spelling is accepted.
    private static func sha256Problem(_ digest: String) -> String? {
        var hasUpperCase = false
        for byte in digest.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): continue
            case UInt8(ascii: "A")...UInt8(ascii: "F"): hasUpperCase = true
            default: return "must be 64 lower-case hexadecimal characters"
            }
        }
        if digest.utf8.count != 64 { return "must be 64 lower-case hexadecimal characters" }
        return hasUpperCase ? "must be lower-case hexadecimal (write A-F as a-f)" : nil
    }
}

extension LocalCase.ResultDelivery {
    enum Method: String, CaseIterable {
        case window
        case post
        case online
    }

    static func read(_ members: JSONMembers, into issues: inout IssueCollector) -> Self? {
        let method = issues.choice("method", in: members, as: Method.self)
        var address: String?
        switch method {
        case .window?, .online?:
            issues.forbid("address", in: members, because: "allowed only when method is post")
        case .post?, nil:
            address = issues.string("address", in: members, required: method == .post, length: 1...200)
        }
        switch method {
        case .window?: return .window
        case .online?: return .online
        case .post?: return address.map { .post(address: $0) }
        case nil: return nil
        }
    }
}
