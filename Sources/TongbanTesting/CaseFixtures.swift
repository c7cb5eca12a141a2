import TongbanCore

/// The canonical sample case of the specification, and helpers to break it one rule at a time.
public enum CaseFixtures {
    public static let sampleText = """
    {
      "caseNumber": "SX2026112000001",
      "version": 1,
      "matter": {"code": "421321GA0130001", "name": "户口迁移（迁入）", "caseType": "promised"},
      "timeLimit": {"value": 5, "unit": "workingDay"},
      "applicant": {"kind": "person", "name": "王建国", "idType": "111",
                    "idNumber": "429001198503120020", "phone": "13907220001",
                    "address": "湖北省随州市随县厉山镇神农大道8号"},
      "agent": null,
      "submittedAt": "2026-11-20T09:30:00+08:00",
      "acceptingOffice": {"name": "随县政务服务中心", "divisionCode": "421321", "creditCode": "11421321MB1834560Y"},
      "handlingRegion": "411330",
      "materials": [
        {"name": "居民身份证", "source": "eLicense", "licenseNumber": "DZZZ-ID-429001198503120020"},
        {"name": "户口迁移申请表", "source": "file", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "bytes": 48213, "pages": 2}
      ],
      "resultDelivery": {"method": "post", "address": "湖北省随州市随县厉山镇神农大道8号"},
      "remarks": "加急"
    }
    """

    public static let sample: JSONValue = {
        do { return try JSONParser.parse(sampleText) } catch { fatalError("sample case does not parse: \(error)") }
    }()

    public static let statusText = """
    {"caseNumber": "SX2026112000001", "handlerCaseNumber": "TB-2026-0087731", "status": "approved",
     "at": "2026-11-21T10:00:00+08:00", "opinion": "准予迁入",
     "result": {"name": "准予迁入证明", "number": "HN-TB-QR-2026-1187"}, "partnerRegion": "411330"}
    """

    public static let status: JSONValue = {
        do { return try JSONParser.parse(statusText) } catch { fatalError("sample status does not parse: \(error)") }
    }()

    /// The issues of validating `json` as a case, as `path: reason` lines; empty when valid.
    public static func caseIssues(_ json: JSONValue) -> [String] {
        switch LocalCase.validate(json) {
        case .success: return []
        case .failure(let failure): return failure.issues.map(\.description)
        }
    }

    public static func statusIssues(_ json: JSONValue) -> [String] {
        switch StatusUpdate.validate(json) {
        case .success: return []
        case .failure(let failure): return failure.issues.map(\.description)
        }
    }
}

extension JSONValue {
    /// A copy with the value at a dotted path (`applicant.idNumber`, `materials.1.sha256`)
    /// replaced, or removed when `value` is nil.
    public func setting(_ path: String, _ value: JSONValue?) -> JSONValue {
        setting(path.split(separator: ".").map(String.init)[...], value)
    }

    private func setting(_ keys: ArraySlice<String>, _ value: JSONValue?) -> JSONValue {
        guard let key = keys.first else { return value ?? .null }
        switch self {
        case .object(var object):
            if keys.count == 1 {
                object[key] = value
            } else {
                object[key] = (object[key] ?? .object(JSONObject())).setting(keys.dropFirst(), value)
            }
            return .object(object)
        case .array(var items):
            guard let index = Int(key) else { return self }
            items[index] = items[index].setting(keys.dropFirst(), value)
            return .array(items)
        default:
            return self
        }
    }
}
