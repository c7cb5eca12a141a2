extension LocalCase {
    /// The canonical JSON of the case: members in the order of the specification's example,
    /// absent optional members (and an empty `materials`) omitted, timestamps in RFC 3339 in
    /// their own offset. `validate(json)` gives this case back.
    public var json: JSONValue {
        var object = JSONObject()
        object.append("caseNumber", .string(caseNumber))
        object.append("version", .int(Int64(version)))
        object.append("matter", [
            "code": .string(matter.code), "name": .string(matter.name), "caseType": .string(matter.caseType.rawValue),
        ])
        object.append("timeLimit", ["value": .int(Int64(timeLimit.value)), "unit": .string(timeLimit.unit.rawValue)])
        object.append("applicant", applicant.json)
        if let agent { object.append("agent", agent.json) }
        object.append("submittedAt", .string(submittedAt.rfc3339()))
        var office = JSONObject()
        office.append("name", .string(acceptingOffice.name))
        office.append("divisionCode", .string(acceptingOffice.divisionCode))
        if let creditCode = acceptingOffice.creditCode { office.append("creditCode", .string(creditCode)) }
        object.append("acceptingOffice", .object(office))
        object.append("handlingRegion", .string(handlingRegion))
        if !materials.isEmpty { object.append("materials", .array(materials.map(\.json))) }
        object.append("resultDelivery", resultDelivery.json)
        if let remarks { object.append("remarks", .string(remarks)) }
        return .object(object)
    }
}

extension LocalCase.Party {
    var json: JSONValue {
        var object = JSONObject()
        object.append("kind", .string(kind.rawValue))
        object.append("name", .string(name))
        object.append("idType", .string(idType.rawValue))
        object.append("idNumber", .string(idNumber))
        if let phone { object.append("phone", .string(phone)) }
        if let address { object.append("address", .string(address)) }
        return .object(object)
    }
}

extension LocalCase.Material {
    var json: JSONValue {
        switch source {
        case .eLicense(let licenseNumber):
            return ["name": .string(name), "source": "eLicense", "licenseNumber": .string(licenseNumber)]
        case .file(let sha256, let bytes, let pages):
            return ["name": .string(name), "source": "file", "sha256": .string(sha256),
                    "bytes": .int(Int64(bytes)), "pages": .int(Int64(pages))]
        }
    }
}

extension LocalCase.ResultDelivery {
    var json: JSONValue {
        switch self {
        case .window: return ["method": "window"]
        case .post(let address): return ["method": "post", "address": .string(address)]
        case .online: return ["method": "online"]
        }
    }
}
