internal import CLibXML2
import TongbanCore

extension XMLCodec {
    /// Parses untrusted bytes into a tree.
    ///
    /// The encoding declared in the prolog is honoured (partners send GB18030 or UTF-8). For
    /// safety, inputs over `maxBytes` are refused before libxml2 sees them; any DOCTYPE is refused
    /// (so no entity can be declared, expanded or loaded: XXE and billion laughs have nothing to
    /// work with); nothing is ever read from the network or disk; XInclude is not processed; and
    /// nesting deeper than `maximumDepth` stops the parser. Errors carry the line.
    public static func parse(_ bytes: some Collection<UInt8>, maxBytes: Int = maximumBytes) throws(XMLError) -> XMLTree {
        try LibXML.capturingErrors { (log) throws(XMLError) -> XMLTree in
            let document = try parseDocument(bytes, maxBytes: maxBytes, log: log)
            defer { xmlFreeDoc(document) }
            guard let root = xmlDocGetRootElement(document) else { throw XMLError(reason: "the document has no root element") }
            var reader = TreeReader()
            return XMLTree(root: reader.element(root))
        }
    }

    /// libxml2 options for untrusted input. Deliberately absent: `NOENT` (entity substitution),
    /// `DTDLOAD`/`DTDATTR`/`DTDVALID` (external DTDs), `XINCLUDE` and `HUGE` (lifts the limits).
    private static let parseOptions = Int32(bitPattern:
        XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)

    /// Parses `bytes` safely (see `parse`) into a libxml2 document the caller must free.
    /// Must run inside `LibXML.capturingErrors`, whose log receives the errors.
    static func parseDocument(_ bytes: some Collection<UInt8>, maxBytes: Int, log: ErrorLog) throws(XMLError) -> xmlDocPtr {
        let count = bytes.count
        guard count <= min(maxBytes, Int(Int32.max)) else {
            throw XMLError(reason: "the document has \(count) bytes, more than the limit of \(maxBytes)")
        }
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(XMLError) -> xmlDocPtr in try parseDocument(buffer: buffer, log: log) }
        }
        if let parsed { return try parsed.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer in
            Result { () throws(XMLError) -> xmlDocPtr in try parseDocument(buffer: buffer, log: log) }
        }.get()
    }

    private static func parseDocument(buffer: UnsafeBufferPointer<UInt8>, log: ErrorLog) throws(XMLError) -> xmlDocPtr {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { throw XMLError(line: 1, reason: "the document is empty") }
        let created = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { xmlCreateMemoryParserCtxt($0, Int32(buffer.count)) }
        guard let parser = created else { throw log.firstError ?? XMLError(reason: "libxml2 could not create a parser") }
        defer { xmlFreeParserCtxt(parser) }
        xmlCtxtUseOptions(parser, parseOptions)
        parser.pointee._private = Unmanaged.passUnretained(log).toOpaque()
        guard let handlers = parser.pointee.sax else { throw XMLError(reason: "libxml2 created a parser without SAX handlers") }
        // The parser's SAX table is its own copy, so these hooks affect this parse only. They see
        // the DOCTYPE before its internal subset is read, and each start tag before it is built.
        handlers.pointee.internalSubset = { parser, _, _, _ in
            XMLCodec.refuse("DOCTYPE declarations are refused: partner messages need no DTD, and DTD entities are how XXE and billion-laughs attacks work", parser: parser)
        }
        handlers.pointee.startElementNs = { parser, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes in
            guard let context = parser?.assumingMemoryBound(to: xmlParserCtxt.self) else { return }
            guard context.pointee.nameNr < XMLCodec.maximumDepth else {
                return XMLCodec.refuse("elements are nested deeper than \(XMLCodec.maximumDepth) levels", parser: parser)
            }
            xmlSAX2StartElementNs(parser, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes)
        }
        xmlParseDocument(parser)
        let document = parser.pointee.myDoc
        parser.pointee.myDoc = nil
        guard let document, parser.pointee.wellFormed != 0, parser.pointee.nsWellFormed != 0 else {
            xmlFreeDoc(document)
            throw log.firstError ?? XMLError(reason: "libxml2 could not parse the document")
        }
        return document
    }

    /// Stops the parse behind a SAX callback's context, logging `reason` at the current line.
    private static func refuse(_ reason: String, parser: UnsafeMutableRawPointer?) {
        guard let context = parser?.assumingMemoryBound(to: xmlParserCtxt.self) else { return }
        if let log = context.pointee._private {
            Unmanaged<ErrorLog>.fromOpaque(log).takeUnretainedValue()
                .refuse(reason, line: context.pointee.input.map { Int($0.pointee.line) })
        }
        context.pointee.wellFormed = 0
        xmlStopParser(context)
    }
}
