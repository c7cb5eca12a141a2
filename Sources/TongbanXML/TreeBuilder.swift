internal import CLibXML2
import TongbanCore

/// Builds a libxml2 document from an `XMLTree`, choosing prefixes and declaring namespaces.
///
/// The document is built once and then validated and written as it is, so an outbound message is
/// neither written nor parsed twice. libxml2's tree functions check nothing, so the builder refuses
/// what could not be written back as well-formed XML: names that are not XML names, characters
/// XML 1.0 cannot carry, namespaces without a prefix in `prefixes`, duplicate attributes. These
/// checks run on every message, so they scan the UTF-8 bytes already handed to libxml2.
///
/// Prefixed namespaces are declared once, on the root, so the message reads like the partner's
/// samples. The default namespace is declared wherever it changes (usually only on the root), so
/// an element without a namespace under a default-namespaced parent still comes out right.
struct TreeBuilder {
    /// The namespace bound to `xml:` by the XML specification itself, never declared.
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    /// A namespace of the tree and how it is written: `declaration` is the `xmlns:prefix` on the
    /// root (or libxml2's built-in `xml` one), nil for the default namespace.
    private struct Binding {
        var uri: String
        var prefix: String
        var declaration: xmlNsPtr?
    }

    /// The default namespace in scope: its binding in `bindings`, and where it is declared.
    private typealias DefaultNamespace = (binding: Int, declaration: xmlNsPtr)

    private let document: xmlDocPtr
    private let root: xmlNodePtr
    private let prefixes: [String: String]
    /// The namespaces met so far, in document order; a message has one or two.
    private var bindings: [Binding] = []

    /// A new document holding `tree`, which the caller must free with `xmlFreeDoc`.
    /// Must run inside `LibXML.capturingErrors`.
    static func document(for tree: XMLTree, prefixes: [String: String]) throws(XMLError) -> xmlDocPtr {
        guard let document = xmlNewDoc("1.0") else { throw XMLError(reason: "libxml2 could not allocate a document") }
        do throws(XMLError) {
            let root = try node(named: tree.root.name.local, in: document)
            xmlDocSetRootElement(document, root)
            var builder = TreeBuilder(document: document, root: root, prefixes: prefixes)
            try builder.fill(root, from: tree.root, defaultNamespace: nil)
            return document
        } catch {
            xmlFreeDoc(document)
            throw error
        }
    }

    /// Gives `node` the namespace, attributes, text and children of `element`.
    private mutating func fill(_ node: xmlNodePtr, from element: XMLTree.Element, defaultNamespace inherited: DefaultNamespace?) throws(XMLError) {
        var defaultNamespace = inherited
        if let uri = element.name.namespace {
            let binding = try binding(for: uri)
            if let declaration = bindings[binding].declaration {
                xmlSetNs(node, declaration)
            } else {
                if defaultNamespace?.binding != binding {
                    defaultNamespace = (binding, try declare(uri, on: node))
                }
                xmlSetNs(node, defaultNamespace?.declaration)
            }
        } else if defaultNamespace != nil {
            _ = try declare("", on: node)
            defaultNamespace = nil
        }

        try element.attributes.withUnsafeBufferPointer { (attributes) throws(XMLError) in
            for index in attributes.indices {
                try add(attributes, index, to: node, of: element)
            }
        }
        if !element.text.isEmpty {
            guard let created = Self.withCharacters(element.text, { xmlNewDocText(document, $0) }) else {
                throw Self.unwritable(element.text, in: "the text of \(element.name)")
            }
            guard let text = created else { throw XMLError(reason: "libxml2 could not allocate a text node") }
            xmlAddChild(node, text)
        }
        for index in element.children.indices {
            let child = try Self.node(named: element.children[index].name.local, in: document)
            xmlAddChild(node, child)
            try fill(child, from: element.children[index], defaultNamespace: defaultNamespace)
        }
    }

    /// Adds `attributes[index]` to `node`; the earlier attributes are there to refuse duplicates.
    private mutating func add(
        _ attributes: UnsafeBufferPointer<(name: XMLQName, value: String)>, _ index: Int, to node: xmlNodePtr, of element: XMLTree.Element
    ) throws(XMLError) {
        let name = attributes[index].name
        for earlier in 0..<index where attributes[earlier].name == name {
            throw XMLError(reason: "\(element.name) has the attribute \(name) twice")
        }
        var declaration: xmlNsPtr?
        if let uri = name.namespace {
            declaration = bindings[try binding(for: uri)].declaration
            guard declaration != nil else {
                throw XMLError(reason: "the attribute \(name) needs a non-empty prefix: a default namespace does not apply to attributes")
            }
        } else if name.local == "xmlns" {
            throw XMLError(reason: "\"xmlns\" is not an attribute name (on \(element.name))")
        }
        let value = attributes[index].value
        let checked = Self.withCharacters(value) { value in Self.withName(name.local) { xmlNewNsProp(node, declaration, $0, value) } }
        guard let created = checked else { throw Self.unwritable(value, in: "the attribute \(name) of \(element.name)") }
        guard let created else { throw XMLError(reason: "\"\(name.local)\" is not an attribute name (on \(element.name))") }
        guard created != nil else { throw XMLError(reason: "libxml2 could not allocate an attribute") }
    }

    /// The index in `bindings` of `uri`'s binding, made on first use.
    private mutating func binding(for uri: String) throws(XMLError) -> Int {
        for index in bindings.indices where bindings[index].uri == uri { return index }
        bindings.append(try newBinding(for: uri))
        return bindings.count - 1
    }

    private func newBinding(for uri: String) throws(XMLError) -> Binding {
        if uri == Self.xmlNamespace {
            let builtIn = Self.withXMLChars(uri) { xmlSearchNsByHref(document, root, $0) }
            guard let builtIn else { throw XMLError(reason: "libxml2 could not allocate the xml namespace") }
            return Binding(uri: uri, prefix: "xml", declaration: builtIn)
        }
        guard !uri.isEmpty else { throw XMLError(reason: "a namespace name is empty: no namespace is nil, not \"\"") }
        guard let prefix = prefixes[uri] else { throw XMLError(reason: "no prefix is configured for the namespace \(uri)") }
        // A default namespace is declared later, element by element: its characters are checked
        // here, as a prefixed one's are when it is declared below.
        guard Self.withCharacters(uri, { _ in true }) != nil else { throw Self.unwritable(uri, in: "the namespace \(uri)") }
        guard !prefix.isEmpty else { return Binding(uri: uri, prefix: prefix, declaration: nil) }
        let misused = XMLError(reason: "\"\(prefix)\" cannot be the prefix of the namespace \(uri)")
        guard prefix != "xml", prefix != "xmlns" else { throw misused }
        if let clash = bindings.first(where: { $0.prefix == prefix }) {
            throw XMLError(reason: "the namespaces \(clash.uri) and \(uri) both have the prefix \"\(prefix)\"")
        }
        guard let checked = Self.withCharacters(uri, { uri in Self.withName(prefix) { xmlNewNs(root, uri, $0) } }) else {
            throw Self.unwritable(uri, in: "the namespace \(uri)")
        }
        guard let declared = checked else { throw misused }
        guard let declared else { throw XMLError(reason: "libxml2 could not declare the namespace \(uri)") }
        return Binding(uri: uri, prefix: prefix, declaration: declared)
    }

    /// Declares `uri` as the default namespace on `node` (`""` undeclares it). The URI was
    /// checked when its binding was made.
    private func declare(_ uri: String, on node: xmlNodePtr) throws(XMLError) -> xmlNsPtr {
        guard let declared = Self.withXMLChars(uri, { xmlNewNs(node, $0, nil) }) else {
            throw XMLError(reason: "libxml2 could not declare the namespace \(uri)")
        }
        return declared
    }

    /// A new element node named `local`, not yet linked into the document.
    private static func node(named local: String, in document: xmlDocPtr) throws(XMLError) -> xmlNodePtr {
        guard let created = withName(local, { xmlNewDocNode(document, nil, $0, nil) }) else {
            throw XMLError(reason: "\"\(local)\" is not an XML element name")
        }
        guard let node = created else { throw XMLError(reason: "libxml2 could not allocate an element") }
        return node
    }

    /// Runs `body` on `text` as a C string, or returns nil if it holds characters XML 1.0 cannot
    /// carry (most C0 controls, U+FFFE, U+FFFF): libxml2 would copy them through and the
    /// partner's parser would reject the whole message.
    private static func withCharacters<Result>(_ text: String, _ body: (UnsafePointer<xmlChar>) -> Result) -> Result? {
        let count = text.utf8.count
        return withXMLChars(text) { chars in hasForbiddenBytes(chars, count: count) ? nil : body(chars) }
    }

    /// The error for `text`, which `withCharacters` refused, naming the first culprit.
    private static func unwritable(_ text: String, in place: String) -> XMLError {
        let forbidden = text.unicodeScalars.first { !isAllowed($0.value) }?.value ?? 0
        let hex = String(forbidden, radix: 16, uppercase: true)
        return XMLError(reason: "\(place) contains U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex), which XML cannot carry")
    }

    /// Runs `body` on `name` as a C string, or returns nil if it is not an XML name without a
    /// colon. ASCII names, nearly all in partner messages, are decided byte by byte; others by
    /// `isNCName`.
    private static func withName<Result>(_ name: String, _ body: (UnsafePointer<xmlChar>) -> Result) -> Result? {
        let count = name.utf8.count
        return withXMLChars(name) { chars in
            guard count > 0, chars[0] >= 0x80 || isASCIINameStart(chars[0]) else { return nil }
            var isASCII = true
            for index in 0..<count {
                let byte = chars[index]
                if byte >= 0x80 {
                    isASCII = false
                } else if !isASCIINameStart(byte), !(byte >= 0x30 && byte <= 0x39), byte != 0x2D, byte != 0x2E {
                    return nil  // also a NUL, which would end the C string early
                }
            }
            return isASCII || isNCName(name) ? body(chars) : nil
        }
    }

    /// Whether `name` is a name without a colon by XML 1.0 fifth edition, the rules libxml2 parses
    /// with. libxml2's `xmlValidateNCName` keeps the fourth edition's narrower letter tables, so it
    /// refused names such as `ȨT` in documents that had parsed, and their canonical form failed.
    private static func isNCName(_ name: String) -> Bool {
        var scalars = name.unicodeScalars.makeIterator()
        guard let first = scalars.next(), isNameStart(first.value) else { return false }
        while let next = scalars.next() {
            guard isNameStart(next.value) || isNameOnly(next.value) else { return false }
        }
        return true
    }

    /// `NameStartChar` of XML 1.0 fifth edition, without the colon.
    private static func isNameStart(_ value: UInt32) -> Bool {
        switch value {
        case 0x41...0x5A, 0x5F, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF,
             0x200C...0x200D, 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD,
             0x10000...0xEFFFF:
            return true
        default:
            return false
        }
    }

    /// The characters `NameChar` adds to `NameStartChar`.
    private static func isNameOnly(_ value: UInt32) -> Bool {
        switch value {
        case 0x2D, 0x2E, 0x30...0x39, 0xB7, 0x300...0x36F, 0x203F...0x2040: return true
        default: return false
        }
    }

    /// Whether the UTF-8 `bytes` may hold a character XML cannot carry: a C0 control other than
    /// tab, line feed and carriage return (NUL included), or U+FFFE and U+FFFF (EF BF BE, EF BF BF).
    /// Eight bytes are looked at together, and one by one only where one is below 0x20 or is 0xEF.
    private static func hasForbiddenBytes(_ bytes: UnsafePointer<xmlChar>, count: Int) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        var index = 0
        while index < count {
            if index + 8 <= count {
                let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)
                let ef = word ^ (ones &* 0xEF)
                // The classic "has a byte below n" and "has a zero byte" tests, exact for the word.
                let suspicious = ((word &- ones &* 0x20) & ~word | (ef &- ones) & ~ef) & (ones &* 0x80)
                if suspicious == 0 {
                    index += 8
                    continue
                }
            }
            let byte = bytes[index]
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D { return true }
            if byte == 0xEF, index + 2 < count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE { return true }
            index += 1
        }
        return false
    }

    private static func isAllowed(_ value: UInt32) -> Bool {
        value < 0x20 ? value == 0x09 || value == 0x0A || value == 0x0D : value != 0xFFFE && value != 0xFFFF
    }

    /// A–Z, a–z and `_`: the ASCII characters that may start a name without a colon.
    private static func isASCIINameStart(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || byte == 0x5F
    }

    /// Runs `body` on `string` as the NUL-terminated UTF-8 that libxml2 takes; no copy for most
    /// strings, whose storage already ends in a NUL.
    private static func withXMLChars<Result>(_ string: String, _ body: (UnsafePointer<xmlChar>) -> Result) -> Result {
        string.withCString { body(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
    }
}
