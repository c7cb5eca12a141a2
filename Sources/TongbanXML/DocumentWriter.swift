internal import CLibXML2

/// Writes a document made by `TreeBuilder` in UTF-8 or GB18030, byte for byte as libxml2 2.9
/// writes it with `xmlDocDumpFormatMemoryEnc(document, …, encoding, 0)`.
///
/// libxml2's writer makes a buffered write for every name, bracket and quote (hundreds per
/// message), then runs the whole output through its encoder, which for GB18030 opens iconv for
/// every document: together a third of serializing a Tongbai message. This writer walks the
/// validated document once, escaping and encoding in the same pass, so the bytes are still those
/// of the document validated. It knows only what `TreeBuilder` makes (elements, namespace
/// declarations, attributes, text) and follows libxml2's rules for them (`xmlsave.c`):
/// - `<prefix:name`, then the namespace declarations, then the attributes, then `/>` for an
///   element without children, else `>`, the children, `</prefix:name>`;
/// - text escapes `<`, `>`, `&` and CR; attribute values also `"`, LF and tab; non-ASCII stays
///   a character (libxml2 writes it as is because the output has an encoding);
/// - a namespace URI is written unescaped in double quotes, in single quotes if it holds `"`,
///   with `&quot;` if it holds both quotes; the `xml` namespace is never declared;
/// - the declaration, then each top-level node followed by a line feed.
/// `DocumentWriterTests` compares it with libxml2 on documents that use all of these.
struct DocumentWriter {
    /// Which ASCII characters are replaced by a reference: bit n for the character n (all of
    /// them are below 0x40, so one 64-bit mask per kind of string).
    private enum Escaping: UInt64 {
        case none = 0
        /// `<`, `>`, `&`, CR (libxml2's `xmlEscapeContent`).
        case text = 0x5000_0040_0000_2000
        /// Also `"`, LF and tab (`xmlBufAttrSerializeTxtContent`).
        case attribute = 0x5000_0044_0000_2600
        /// Only `"` (`xmlBufWriteQuotedString` when the string holds both quotes).
        case doubleQuotes = 0x0000_0004_0000_0000
    }

    /// The output so far; grown by hand, because appending to an `Array` byte by byte and in
    /// short runs cost more than all the rest of the writing.
    private var buffer: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// nil: UTF-8, copied as it is.
    private let encoder: GB18030Encoder?

    private init(encoder: GB18030Encoder?) {
        self.encoder = encoder
        capacity = 4096  // a Tongbai message is about 1.2 KB
        buffer = .allocate(capacity: capacity)
    }

    /// The document in `encoding`, "UTF-8" or "GB18030", declaration included; nil for any other
    /// encoding, a node `TreeBuilder` does not make, or when libxml2 has no GB18030 converter.
    static func bytes(of document: xmlDocPtr, encoding: String) -> [UInt8]? {
        var writer: DocumentWriter
        switch encoding {
        case "UTF-8": writer = DocumentWriter(encoder: nil)
        case "GB18030":
            guard let encoder = GB18030Encoder.shared else { return nil }
            writer = DocumentWriter(encoder: encoder)
        default: return nil
        }
        defer { writer.buffer.deallocate() }
        // The declaration libxml2 writes for a document of `xmlNewDoc("1.0")` (no standalone).
        writer.append("<?xml version=\"1.0\" encoding=\"")
        guard writer.write(encoding, .none) else { return nil }
        writer.append("\"?>\n")
        var node = document.pointee.children
        while let current = node {
            guard current.pointee.type == XML_ELEMENT_NODE, writer.element(current) else { return nil }
            writer.append(0x0A)
            node = current.pointee.next
        }
        return Array(UnsafeBufferPointer(start: writer.buffer, count: writer.count))
    }

    /// Writes `node` and its descendants; false if one is neither an element nor text, or a
    /// string is not UTF-8.
    private mutating func element(_ node: xmlNodePtr) -> Bool {
        append(UInt8(ascii: "<"))
        guard name(node.pointee.name, in: node.pointee.ns) else { return false }
        var namespace = node.pointee.nsDef
        while let declaration = namespace {
            if let href = declaration.pointee.href, xmlStrEqual(declaration.pointee.prefix, "xml") == 0 {
                if let prefix = declaration.pointee.prefix {
                    append(" xmlns:")
                    guard write(prefix, .none) else { return false }
                } else {
                    append(" xmlns")
                }
                append(UInt8(ascii: "="))
                guard quoted(href) else { return false }
            }
            namespace = declaration.pointee.next
        }
        var attribute = node.pointee.properties
        while let current = attribute {
            append(UInt8(ascii: " "))
            guard name(current.pointee.name, in: current.pointee.ns) else { return false }
            append("=\"")
            var text = current.pointee.children
            while let value = text {
                guard value.pointee.type == XML_TEXT_NODE, write(value.pointee.content, .attribute) else { return false }
                text = value.pointee.next
            }
            append(UInt8(ascii: "\""))
            attribute = current.pointee.next
        }
        guard var child = node.pointee.children else {
            append("/>")
            return true
        }
        append(UInt8(ascii: ">"))
        while true {
            switch child.pointee.type {
            case XML_ELEMENT_NODE: guard element(child) else { return false }
            case XML_TEXT_NODE: guard write(child.pointee.content, .text) else { return false }
            default: return false
            }
            guard let next = child.pointee.next else { break }
            child = next
        }
        append("</")
        guard name(node.pointee.name, in: node.pointee.ns) else { return false }
        append(UInt8(ascii: ">"))
        return true
    }

    /// `prefix:name`, or `name` without a namespace or in the default one.
    private mutating func name(_ name: UnsafePointer<xmlChar>?, in namespace: xmlNsPtr?) -> Bool {
        if let prefix = namespace?.pointee.prefix {
            guard write(prefix, .none) else { return false }
            append(UInt8(ascii: ":"))
        }
        return write(name, .none)
    }

    /// A namespace URI in quotes, as libxml2's `xmlBufWriteQuotedString` writes it.
    private mutating func quoted(_ string: UnsafePointer<xmlChar>) -> Bool {
        let hasDouble = xmlStrchr(string, UInt8(ascii: "\"")) != nil
        let quote = hasDouble && xmlStrchr(string, UInt8(ascii: "'")) == nil ? UInt8(ascii: "'") : UInt8(ascii: "\"")
        append(quote)
        guard write(string, quote == UInt8(ascii: "\"") ? .doubleQuotes : .none) else { return false }
        append(quote)
        return true
    }

    private mutating func write(_ string: String, _ escaping: Escaping) -> Bool {
        string.withCString { write(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self), escaping) }
    }

    /// Appends the NUL-terminated UTF-8 `string`, escaped and encoded; false if it is not UTF-8.
    private mutating func write(_ string: UnsafePointer<xmlChar>?, _ escaping: Escaping) -> Bool {
        guard let string else { return true }
        let mask = escaping.rawValue
        var index = 0
        var copied = 0  // the bytes before this index are written
        while true {
            let byte = string[index]
            if byte >= 0x40, byte < 0x80 || encoder == nil {
                index += 1
                continue
            }
            if byte < 0x40 {
                if byte == 0 { break }
                guard mask & (1 << UInt64(byte)) != 0 else {
                    index += 1
                    continue
                }
                append(string + copied, index - copied)
                switch byte {
                case UInt8(ascii: "<"): append("&lt;")
                case UInt8(ascii: ">"): append("&gt;")
                case UInt8(ascii: "&"): append("&amp;")
                case UInt8(ascii: "\""): append("&quot;")
                case 0x0D: append("&#13;")
                case 0x0A: append("&#10;")
                default: append("&#9;")
                }
                index += 1
                copied = index
                continue
            }
            // Not ASCII, in GB18030.
            append(string + copied, index - copied)
            guard byte >= 0xC2, byte <= 0xF4 else { return false }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            var scalar = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for offset in 1..<length {
                let next = string[index + offset]  // a NUL fails here, before anything after it is read
                guard next & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            if let bytes = encoder?.bytes(of: scalar) {
                reserve(4)
                if bytes >= 0x1_0000 {
                    buffer[count] = UInt8(bytes >> 24)
                    buffer[count + 1] = UInt8(truncatingIfNeeded: bytes >> 16)
                    count += 2
                }
                buffer[count] = UInt8(truncatingIfNeeded: bytes >> 8)
                buffer[count + 1] = UInt8(truncatingIfNeeded: bytes)
                count += 2
            } else {
                _ = write("&#\(scalar);", .none)
            }
            index += length
            copied = index
        }
        append(string + copied, index - copied)
        return true
    }

    private mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        capacity = max(count + extra, capacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: buffer, count: count)
        buffer.deallocate()
        buffer = grown
    }

    private mutating func append(_ byte: UInt8) {
        reserve(1)
        buffer[count] = byte
        count += 1
    }

    private mutating func append(_ bytes: UnsafePointer<UInt8>, _ length: Int) {
        reserve(length)
        (buffer + count).update(from: bytes, count: length)
        count += length
    }

    private mutating func append(_ string: StaticString) {
        append(string.utf8Start, string.utf8CodeUnitCount)
    }
}
