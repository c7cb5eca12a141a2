internal import CLibXML2
import TongbanCore

/// Writes an `XMLTree` through an `xmlTextWriter`, choosing prefixes and declaring namespaces.
///
/// Prefixed namespaces are declared once, on the root, so the message reads like the partner's
/// samples. The default namespace is declared wherever it changes (usually only on the root), so
/// an element without a namespace under a default-namespaced parent still comes out right.
struct TreeWriter {
    /// The namespace bound to `xml:` by the XML specification itself, never declared.
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    let writer: xmlTextWriterPtr
    let prefixes: [String: String]
    let log: ErrorLog
    /// The last lookup in `prefixes`: elements in one message nearly always share a namespace.
    private var lastPrefix: (uri: String, prefix: String)?

    init(writer: xmlTextWriterPtr, prefixes: [String: String], log: ErrorLog) {
        self.writer = writer
        self.prefixes = prefixes
        self.log = log
    }

    mutating func write(_ tree: XMLTree) throws(XMLError) {
        var declarations: [(prefix: String, uri: String)] = []
        try collectDeclarations(tree.root, into: &declarations)
        try write(tree.root, declaring: declarations, defaultNamespace: nil)
    }

    /// Turns a writer function's result into an error, with libxml2's message when it gave one.
    func check(_ result: Int32) throws(XMLError) {
        guard result >= 0 else { throw log.firstError ?? XMLError(reason: "libxml2's writer failed") }
    }

    /// Gathers the prefixed namespaces of the whole tree in document order, each once.
    private mutating func collectDeclarations(_ element: XMLTree.Element, into declarations: inout [(prefix: String, uri: String)]) throws(XMLError) {
        if let uri = element.name.namespace { try declare(uri, in: &declarations) }
        for attribute in element.attributes {
            if let uri = attribute.name.namespace { try declare(uri, in: &declarations) }
        }
        for child in element.children { try collectDeclarations(child, into: &declarations) }
    }

    private mutating func declare(_ uri: String, in declarations: inout [(prefix: String, uri: String)]) throws(XMLError) {
        guard uri != Self.xmlNamespace, !declarations.contains(where: { $0.uri == uri }) else { return }
        let prefix = try prefix(for: uri)
        guard !prefix.isEmpty else { return }
        guard prefix != "xml", prefix != "xmlns", Self.isName(prefix) else {
            throw XMLError(reason: "\"\(prefix)\" cannot be the prefix of the namespace \(uri)")
        }
        if let clash = declarations.first(where: { $0.prefix == prefix }) {
            throw XMLError(reason: "the namespaces \(clash.uri) and \(uri) both have the prefix \"\(prefix)\"")
        }
        declarations.append((prefix, uri))
    }

    private mutating func prefix(for uri: String) throws(XMLError) -> String {
        if uri == Self.xmlNamespace { return "xml" }
        if let last = lastPrefix, last.uri == uri { return last.prefix }
        guard let prefix = prefixes[uri] else { throw XMLError(reason: "no prefix is configured for the namespace \(uri)") }
        lastPrefix = (uri, prefix)
        return prefix
    }

    private mutating func write(_ element: XMLTree.Element, declaring declarations: [(prefix: String, uri: String)], defaultNamespace: String?) throws(XMLError) {
        guard Self.isName(element.name.local) else { throw XMLError(reason: "\"\(element.name.local)\" is not an XML element name") }
        var prefix: String?
        if let uri = element.name.namespace {
            let bound = try self.prefix(for: uri)
            prefix = bound.isEmpty ? nil : bound
        }
        try check(Self.withXMLChars(prefix) { prefix in
            Self.withXMLChars(element.name.local) { xmlTextWriterStartElementNS(writer, prefix, $0, nil) }
        })

        var scopeDefault = defaultNamespace
        if prefix == nil, element.name.namespace != defaultNamespace {
            try writeAttribute(prefix: nil, local: "xmlns", value: element.name.namespace ?? "")
            scopeDefault = element.name.namespace
        }
        for declaration in declarations {
            try writeAttribute(prefix: "xmlns", local: declaration.prefix, value: declaration.uri)
        }
        for (index, attribute) in element.attributes.enumerated() {
            try writeAttribute(attribute, of: element, index: index)
        }
        if !element.text.isEmpty {
            try requireCharacters(element.text, in: "the text of \(element.name)")
            try check(Self.withXMLChars(element.text) { xmlTextWriterWriteString(writer, $0) })
        }
        for child in element.children {
            try write(child, declaring: [], defaultNamespace: scopeDefault)
        }
        try check(xmlTextWriterEndElement(writer))
    }

    private mutating func writeAttribute(_ attribute: (name: XMLQName, value: String), of element: XMLTree.Element, index: Int) throws(XMLError) {
        let name = attribute.name
        guard Self.isName(name.local), name.namespace != nil || name.local != "xmlns" else {
            throw XMLError(reason: "\"\(name.local)\" is not an attribute name (on \(element.name))")
        }
        guard !element.attributes[..<index].contains(where: { $0.name == name }) else {
            throw XMLError(reason: "\(element.name) has the attribute \(name) twice")
        }
        var prefix: String?
        if let uri = name.namespace {
            let bound = try self.prefix(for: uri)
            guard !bound.isEmpty else {
                throw XMLError(reason: "the attribute \(name) needs a non-empty prefix: a default namespace does not apply to attributes")
            }
            prefix = bound
        }
        try requireCharacters(attribute.value, in: "the attribute \(name) of \(element.name)")
        try writeAttribute(prefix: prefix, local: name.local, value: attribute.value)
    }

    private func writeAttribute(prefix: String?, local: String, value: String) throws(XMLError) {
        try check(Self.withXMLChars(prefix) { prefix in
            Self.withXMLChars(local) { local in
                Self.withXMLChars(value) { xmlTextWriterWriteAttributeNS(writer, prefix, local, nil, $0) }
            }
        })
    }

    /// Refuses characters XML 1.0 cannot carry (most C0 controls, U+FFFE, U+FFFF): the writer
    /// would copy them through and the partner's parser would reject the whole message.
    private func requireCharacters(_ text: String, in place: @autoclosure () -> String) throws(XMLError) {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let allowed = value < 0x20 ? value == 0x09 || value == 0x0A || value == 0x0D : value != 0xFFFE && value != 0xFFFF
            if !allowed {
                let hex = String(value, radix: 16, uppercase: true)
                throw XMLError(reason: "\(place()) contains U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex), which XML cannot carry")
            }
        }
    }

    private static func isName(_ name: String) -> Bool {
        withXMLChars(name) { xmlValidateNCName($0, 0) } == 0
    }

    private static func withXMLChars<Result>(_ string: String?, _ body: (UnsafePointer<xmlChar>?) -> Result) -> Result {
        guard let string else { return body(nil) }
        return string.withCString { body(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
    }
}
