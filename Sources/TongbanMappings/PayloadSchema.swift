import TongbanCore
import TongbanXML

/// A partner's schema for one message kind: JSON Schema 2020-12 or XSD, chosen by file type.
///
/// Every payload is checked against it before it leaves (a mapping bug is caught at the
/// gateway, not at the partner) and every partner payload before it is read.
enum PayloadSchema: Sendable {
    case json(JSONSchema)
    case xsd(XSDSchema)

    static func load(bytes: [UInt8], file: String) throws(MappingError) -> PayloadSchema {
        if file.hasSuffix(".xsd") {
            do { return .xsd(try XSDSchema(bytes: bytes, name: file)) } catch { throw MappingError(file: file, message: "invalid XSD: \(error)") }
        }
        let document: JSONValue
        do { document = try JSONParser.parse(bytes) } catch { throw MappingError(file: file, line: error.line, column: error.column, message: error.reason) }
        do { return .json(try JSONSchema(document, formatAssertion: true)) } catch { throw MappingError(file: file, message: "invalid JSON Schema: \(error)") }
    }

    /// Issues in the payload; for XML the exact bytes are validated, encoding included.
    func validate(bytes: [UInt8], json: JSONValue?) -> [ValidationIssue] {
        switch self {
        case .json(let schema):
            guard let json else { return [ValidationIssue(path: "$", reason: "a JSON payload was expected")] }
            return schema.validate(json)
        case .xsd(let schema):
            return schema.validate(bytes)
        }
    }
}
