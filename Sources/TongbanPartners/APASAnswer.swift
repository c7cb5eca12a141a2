import TongbanCore

/// The answer shape of every APAS v1 call: `{"code": 0, "msg": "ok", "data": {...}}`.
public struct APASAnswer: Sendable, Equatable {
    /// APAS result codes and what a sender must do about them.
    public enum Code: Int, Sendable {
        case accepted = 0
        case invalidField = 4001
        case matterNotInAgreement = 4002
        case duplicate = 4003
        case signatureRefused = 4011
        case internalError = 5000
    }

    public var code: Int
    public var message: String
    /// Zaoyang's case number (`data.unid`), when the answer carries one.
    public var unid: String?

    public init(code: Int, message: String, unid: String? = nil) {
        self.code = code; self.message = message; self.unid = unid
    }

    public init(_ code: Code, _ message: String, unid: String? = nil) {
        self.init(code: code.rawValue, message: message, unid: unid)
    }

    public var json: JSONValue {
        var object = JSONObject()
        object.append("code", .int(Int64(code)))
        object.append("msg", .string(message))
        if let unid {
            object.append("data", .object(JSONObject([("unid", .string(unid))])))
        } else {
            object.append("data", .null)
        }
        return .object(object)
    }

    public var bytes: [UInt8] { json.serialized() }

    /// Reads an answer; nil when the bytes are not an APAS answer (then the call failed).
    public static func parse(_ bytes: [UInt8]) -> APASAnswer? {
        guard let value = try? JSONParser.parse(bytes), let code = value["code"]?.integerValue else { return nil }
        return APASAnswer(code: Int(code), message: value["msg"]?.stringValue ?? "", unid: value["data"]?["unid"]?.stringValue)
    }
}
