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

    /// Whether this kind of schema checks payloads of `format`.
    func checks(_ format: MappingPlan.Format) -> Bool {
        switch self {
        case .json: return format == .json
        case .xsd: return format == .xml
        }
    }

    /// Issues in a JSON payload. The catalog pairs JSON partners with JSON Schemas only.
    func issues(in json: JSONValue) -> [ValidationIssue] {
        guard case .json(let schema) = self else { return [ValidationIssue(path: "$", reason: "an XSD cannot check a JSON payload")] }
        return schema.validate(json)
    }

    /// Issues in the exact bytes of an XML payload, encoding included.
    func issues(inXML bytes: [UInt8]) -> [ValidationIssue] {
        guard case .xsd(let schema) = self else { return [ValidationIssue(path: "/", reason: "a JSON Schema cannot check an XML payload")] }
        return schema.validate(bytes)
    }
}
