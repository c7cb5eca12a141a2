/// The agreement with one partner region: who they are, how their messages look and travel,
/// and which matters they accept. Loaded from `mappings/<partner>/agreement.yaml`.
public struct Agreement: Sendable {
    /// How cases and statuses travel; the transport code for each style lives in the gateway.
    public enum Transport: String, Sendable, CaseIterable {
        /// The gateway POSTs cases; the partner POSTs statuses back.
        case push
        /// The gateway POSTs cases and polls the partner for their status.
        case poll
        /// The partner pulls cases from the gateway's feed and acknowledges them.
        case feed
    }

    public enum Encoding: String, Sendable, CaseIterable {
        case utf8 = "UTF-8"
        case gb18030 = "GB18030"
    }

    /// The partner's folder name, used on the command line and in logs.
    public let partner: String
    public let name: String
    /// GB/T 2260 codes of the regions this agreement covers (a city cluster has several).
    public let divisions: [String]
    public let format: MappingPlan.Format
    public let encoding: Encoding
    /// The partner's fixed UTC offset in seconds, for times written without an offset.
    public let zoneOffset: Int
    public let transport: Transport
    /// The name of the code list holding the agreement's matters (local code → partner code).
    public let mattersList: String
    /// Schema files per message kind, relative to the partner's mapping folder.
    public let schemas: [MessageKind: String]

    public static func load(_ yaml: YAMLNode, partner: String) throws(MappingError) -> Agreement {
        let fields = try yaml.fields(
            allowed: ["name", "divisions", "format", "encoding", "timeZone", "transport", "matters", "schemas"],
            required: ["name", "divisions", "format", "encoding", "timeZone", "transport", "matters", "schemas"])
        let divisionsNode = try fields.required("divisions")
        var divisions: [String] = []
        for node in try divisionsNode.sequence("a list of division codes") {
            let code = try node.string()
            guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { throw node.error("'\(code)' is not a 6-digit division code") }
            if let problem = DivisionCodes.standard.problem(withCode: code, mustBeCurrent: true) { throw node.error("division \(code): \(problem)") }
            divisions.append(code)
        }
        guard !divisions.isEmpty else { throw divisionsNode.error("an agreement covers at least one division") }

        func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(MappingError) -> T where T.RawValue == String {
            let node = try fields.required(key)
            let text = try node.string()
            guard let value = T(rawValue: text) else {
                throw node.error("unknown \(key) '\(text)' (expected one of: \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return value
        }
        let formatNode = try fields.required("format")
        guard let format = MappingPlan.Format(rawValue: try formatNode.string()) else { throw formatNode.error("unknown format (expected json or xml)") }
        let zoneNode = try fields.required("timeZone")
        guard let zoneOffset = Agreement.parseOffset(try zoneNode.string()) else {
            throw zoneNode.error("time zone must be a fixed offset such as \"+08:00\"")
        }
        var schemas: [MessageKind: String] = [:]
        for entry in try fields.required("schemas").mapping() {
            guard let kind = MessageKind(rawValue: entry.key) else { throw entry.keyNode.error("unknown message kind '\(entry.key)' (expected case or status)") }
            schemas[kind] = try entry.value.string()
        }
        for kind in MessageKind.allCases where schemas[kind] == nil {
            throw try fields.required("schemas").error("missing the \(kind.rawValue) schema: every payload is checked against the partner's schema")
        }
        let encoding = try choice("encoding", Encoding.self)
        if format == .json, encoding != .utf8 { throw try fields.required("encoding").error("JSON is always UTF-8") }
        return Agreement(partner: partner, name: try fields.required("name").string(), divisions: divisions, format: format,
                         encoding: encoding, zoneOffset: zoneOffset, transport: try choice("transport", Transport.self),
                         mattersList: try fields.required("matters").string(), schemas: schemas)
    }

    /// `+08:00` → 28800.
    static func parseOffset(_ text: String) -> Int? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 6, scalars[0] == "+" || scalars[0] == "-", scalars[3] == ":",
              let hours = Int(String(String.UnicodeScalarView(scalars[1...2]))), let minutes = Int(String(String.UnicodeScalarView(scalars[4...5]))),
              hours <= 14, minutes < 60 else { return nil }
        return (scalars[0] == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }
}

/// What a message carries.
public enum MessageKind: String, Sendable, CaseIterable, Hashable {
    case `case`
    case status
}

/// Which way a message goes, seen from the gateway.
public enum Direction: String, Sendable, CaseIterable, Hashable {
    /// From the local windows to the partner.
    case outbound
    /// From the partner to the local system.
    case inbound
}
