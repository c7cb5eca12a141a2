/// A code list of one agreement: local codes and the partner's codes for the same things.
///
/// Lists live in their own files (`mappings/<partner>/codes/<name>.yaml`) so that the 40
/// matters of an agreement are maintained as data. The partner → local direction is derived;
/// where several local codes share one partner code, the file must say which local code
/// that partner code means (`reverse:`), so no inbound lookup is ever a guess.
public struct CodeList: Sendable {
    public enum Missing: String, Sendable, CaseIterable {
        /// An unknown code is an error naming the value and the list (the default).
        case error
        /// An unknown code is passed through unchanged.
        case keep
        /// An unknown code makes the value absent (the output field is omitted).
        case omit
        /// An unknown code becomes the list's `default`.
        case `default`
    }

    public let name: String
    public let file: String
    public let missing: Missing
    public let defaultValue: MappingValue
    /// Local code text → partner value.
    public let toPartner: [String: MappingValue]
    /// Partner code text → local value.
    public let toLocal: [String: MappingValue]
    /// Local codes in file order, for listings such as the agreement's matters.
    public let localCodes: [String]

    public func contains(local code: String) -> Bool { toPartner[code] != nil }

    /// Loads a code list file.
    ///
    /// ```yaml
    /// description: ID types, 随县 → 桐柏 ZJLX
    /// missing: error        # error | keep | omit | default
    /// codes:                # local: partner
    ///   "111": "10"
    ///   "990": "99"
    ///   "001": "99"
    /// reverse:              # partner: local, where codes share a partner code
    ///   "99": "990"
    /// ```
    public static func load(_ yaml: YAMLNode, name: String) throws(MappingError) -> CodeList {
        let fields = try yaml.fields(allowed: ["description", "missing", "default", "codes", "reverse"], required: ["codes"])
        var missing = Missing.error
        if let node = fields["missing"] {
            let text = try node.string()
            guard let value = Missing(rawValue: text) else {
                throw node.error("unknown missing behaviour '\(text)' (expected one of: \(Missing.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            missing = value
        }
        var defaultValue = MappingValue.absent
        if let node = fields["default"] {
            guard missing == .default else { throw node.error("'default' is only used with 'missing: default'") }
            defaultValue = .from(try node.typedScalar())
        } else if missing == .default {
            throw yaml.error("'missing: default' needs a 'default' value")
        }

        var toPartner: [String: MappingValue] = [:]
        var localCodes: [String] = []
        var partnerToLocals: [String: [String]] = [:]
        var partnerOrder: [String] = []
        for entry in try fields.required("codes").mapping("a mapping of local codes to partner codes") {
            let value = try entry.value.typedScalar()
            guard let partnerText = MappingValue.from(value).text else { throw entry.value.error("a partner code must be a single value") }
            toPartner[entry.key] = .from(value)
            localCodes.append(entry.key)
            if partnerToLocals[partnerText] == nil { partnerOrder.append(partnerText) }
            partnerToLocals[partnerText, default: []].append(entry.key)
        }
        let codesNode = try fields.required("codes")
        guard !localCodes.isEmpty else { throw codesNode.error("a code list needs at least one code") }

        var explicitReverse: [String: String] = [:]
        if let node = fields["reverse"] {
            for entry in try node.mapping("a mapping of partner codes to local codes") {
                let local = try entry.value.string()
                guard let locals = partnerToLocals[entry.key] else {
                    throw entry.keyNode.error("'\(entry.key)' is not a partner code of this list")
                }
                guard locals.contains(local) else {
                    throw entry.value.error("'\(local)' is not a local code that maps to '\(entry.key)' (those are: \(locals.joined(separator: ", ")))")
                }
                explicitReverse[entry.key] = local
            }
        }
        var toLocal: [String: MappingValue] = [:]
        for partner in partnerOrder {
            let locals = partnerToLocals[partner]!
            if let chosen = explicitReverse[partner] {
                toLocal[partner] = .string(chosen)
            } else if locals.count == 1 {
                toLocal[partner] = .string(locals[0])
            } else {
                throw codesNode.error("partner code '\(partner)' stands for several local codes (\(locals.joined(separator: ", "))): say which one it means inbound under 'reverse:'")
            }
        }
        return CodeList(name: name, file: yaml.file, missing: missing, defaultValue: defaultValue,
                        toPartner: toPartner, toLocal: toLocal, localCodes: localCodes)
    }

    /// Looks a value up in one direction, applying the list's missing-code behaviour.
    func translate(_ value: MappingValue, towardPartner: Bool) -> Result<MappingValue, CodeMiss> {
        guard let text = value.text else { return .success(.absent) }
        if let found = (towardPartner ? toPartner : toLocal)[text] { return .success(found) }
        switch missing {
        case .error: return .failure(CodeMiss(value: text, list: name, file: file))
        case .keep: return .success(.string(text))
        case .omit: return .success(.absent)
        case .default: return .success(defaultValue)
        }
    }
}

/// A code that is not in its list, with the list named so the operator knows which file to fix.
struct CodeMiss: Error {
    var value: String
    var list: String
    var file: String
}
