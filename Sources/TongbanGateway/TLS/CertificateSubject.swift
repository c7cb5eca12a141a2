import X509

/// A certificate's subject name, compared whole: the configuration names a partner's client
/// certificates by their full subject in RFC 4514 form (`CN=kstb.tongbai.example,O=桐柏县…,C=CN`,
/// what `openssl x509 -noout -subject -nameopt RFC2253` prints), and a certificate belongs to the
/// partner only when its subject has the same attributes, in the same order, with the same
/// values. No substring or prefix match: `CN=tongbai` never matches `CN=tongbai-test`, and a
/// certificate with an extra `OU` is another certificate.
///
/// The rule, precisely: RDNs in RFC 4514 order (most specific first), each a set of attribute
/// type and value (`+` joins several in one RDN, in any order); types by OID, so `CN`, `cn` and
/// `2.5.4.3` are one type; values compared exactly, letter case included, after RFC 4514
/// unescaping (`\,`, `\+`, `\\`, `\E6\A1\90`…). Spaces around `,`, `+` and `=` are ignored (a
/// value's own leading or trailing space is written `\ `).
public struct CertificateSubject: Sendable, Hashable, CustomStringConvertible {
    /// One attribute of an RDN.
    public struct Attribute: Sendable, Hashable, Comparable {
        /// The dotted OID (`2.5.4.3` for CN).
        public var type: String
        public var value: String

        public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.type, lhs.value) < (rhs.type, rhs.value) }
    }

    /// RDNs most specific first, as RFC 4514 writes them; each sorted, since an RDN is a set.
    public private(set) var rdns: [[Attribute]]

    init(rdns: [[Attribute]]) {
        self.rdns = rdns.map { $0.sorted() }
    }

    /// The first common name, most specific RDN first: what log lines show of a certificate.
    public var commonName: String? {
        rdns.lazy.flatMap { $0 }.first { $0.type == Self.commonNameOID }?.value
    }

    /// RFC 4514, short names where RFC 4514 or OpenSSL have one.
    public var description: String {
        rdns.map { rdn in
            rdn.map { attribute in
                let name = Self.shortNames.first { $0.oid == attribute.type }?.name ?? attribute.type
                return "\(name)=\(Self.escaped(attribute.value))"
            }.joined(separator: "+")
        }.joined(separator: ",")
    }

    static let commonNameOID = "2.5.4.3"

    /// The names `parse` accepts besides dotted OIDs (case-insensitive), and `description` writes.
    static let shortNames: [(name: String, oid: String)] = [
        ("CN", "2.5.4.3"), ("SERIALNUMBER", "2.5.4.5"), ("C", "2.5.4.6"), ("L", "2.5.4.7"), ("ST", "2.5.4.8"),
        ("STREET", "2.5.4.9"), ("O", "2.5.4.10"), ("OU", "2.5.4.11"), ("DC", "0.9.2342.19200300.100.1.25"),
        ("UID", "0.9.2342.19200300.100.1.1"), ("emailAddress", "1.2.840.113549.1.9.1"),
    ]
}

extension CertificateSubject {
    /// The subject of a certificate, nil when an attribute's value is not text (UTF8String,
    /// PrintableString or IA5String): such a subject cannot be written in the configuration, so
    /// it identifies no partner.
    init?(_ name: DistinguishedName) {
        var rdns: [[Attribute]] = []
        for rdn in name.reversed() {
            var attributes: [Attribute] = []
            for attribute in rdn {
                guard let value = String(attribute.value) else { return nil }
                attributes.append(Attribute(type: attribute.type.description, value: value))
            }
            rdns.append(attributes)
        }
        self.init(rdns: rdns)
    }

    /// Why a configured subject cannot be read.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Reads an RFC 4514 string.
    public init(rfc4514 text: String) throws(SyntaxError) {
        var parser = Parser(bytes: Array(text.utf8))
        self.init(rdns: try parser.distinguishedName())
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func distinguishedName() throws(SyntaxError) -> [[Attribute]] {
            var rdns: [[Attribute]] = [[]]
            while true {
                let type = try attributeType()
                let (value, end) = try attributeValue(for: type.name)
                guard !rdns[rdns.count - 1].contains(where: { $0.type == type.oid }) else {
                    throw SyntaxError(description: "\(type.name) appears twice in one RDN")
                }
                rdns[rdns.count - 1].append(Attribute(type: type.oid, value: value))
                switch end {
                case nil: return rdns
                case UInt8(ascii: ","): rdns.append([])
                default: break  // "+": another attribute of the same RDN
                }
            }
        }

        mutating func skipSpaces() {
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        }

        mutating func attributeType() throws(SyntaxError) -> (name: String, oid: String) {
            skipSpaces()
            let start = index
            while index < bytes.count, !Self.typeEnds.contains(bytes[index]) { index += 1 }
            let name = String(decoding: bytes[start..<index], as: UTF8.self)
            guard !name.isEmpty else { throw SyntaxError(description: "an attribute type is missing (write TYPE=value, e.g. CN=…)") }
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw SyntaxError(description: "\(name) has no '=' and value") }
            index += 1
            if let known = CertificateSubject.shortNames.first(where: { $0.name.lowercased() == name.lowercased() }) {
                return (known.name, known.oid)
            }
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else {
                throw SyntaxError(description: "unknown attribute type '\(name)': use \(CertificateSubject.shortNames.map(\.name).joined(separator: ", ")) or a dotted OID")
            }
            return (name, name)
        }

        /// The value up to an unescaped `,` or `+` (returned as the end; nil at the end of the text).
        mutating func attributeValue(for type: String) throws(SyntaxError) -> (String, UInt8?) {
            skipSpaces()
            if index < bytes.count, bytes[index] == UInt8(ascii: "#") {
                throw SyntaxError(description: "\(type): hex-encoded values (#…) are not supported: write the value as text")
            }
            var value: [UInt8] = []
            /// Unescaped spaces at the end of `value` so far: layout, dropped at the end.
            var trailingSpaces = 0
            var end: UInt8?
            scan: while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: ","), UInt8(ascii: "+"):
                    end = byte
                    break scan
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { throw SyntaxError(description: "\(type): the value ends with a lone '\\'") }
                    if index + 1 < bytes.count, let high = Self.hexDigit(bytes[index]), let low = Self.hexDigit(bytes[index + 1]) {
                        value.append(high << 4 | low)
                        index += 2
                    } else if Self.escapable.contains(bytes[index]) {
                        value.append(bytes[index])
                        index += 1
                    } else {
                        throw SyntaxError(description: "\(type): '\\\(String(decoding: [bytes[index]], as: UTF8.self))' is not an RFC 4514 escape")
                    }
                    trailingSpaces = 0
                case UInt8(ascii: "\""), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"):
                    throw SyntaxError(description: "\(type): '\(String(decoding: [byte], as: UTF8.self))' must be escaped as '\\\(String(decoding: [byte], as: UTF8.self))'")
                default:
                    value.append(byte)
                    trailingSpaces = byte == UInt8(ascii: " ") ? trailingSpaces + 1 : 0
                }
            }
            value.removeLast(trailingSpaces)
            guard !value.isEmpty else { throw SyntaxError(description: "\(type) has an empty value") }
            guard let text = String(validating: value, as: UTF8.self) else {
                throw SyntaxError(description: "\(type): the escaped bytes are not UTF-8")
            }
            if end != nil, index == bytes.count || bytes[index...].allSatisfy({ $0 == UInt8(ascii: " ") }) {
                throw SyntaxError(description: "the subject ends with '\(String(decoding: [end!], as: UTF8.self))' and no attribute after it")
            }
            return (text, end)
        }

        static let escapable: Set<UInt8> = Set(" \"#+,;<=>\\".utf8)
        static let typeEnds: Set<UInt8> = Set("= ,+".utf8)

        static func hexDigit(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
    }

    /// A value as RFC 4514 writes it: specials escaped, a leading `#` or space and a trailing
    /// space escaped.
    static func escaped(_ value: String) -> String {
        var out = ""
        let characters = Array(value)
        for (offset, character) in characters.enumerated() {
            let special = ",+\"\\<>;=".contains(character)
                || (offset == 0 && (character == "#" || character == " "))
                || (offset == characters.count - 1 && character == " ")
            if special { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
