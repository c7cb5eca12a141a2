internal import CLibXML2
import TongbanCore

extension XMLCodec {
    /// Writes a tree as a complete document in `encoding` ("UTF-8", "GB18030", or any other
    /// encoding libxml2 supports), which is both declared in the prolog and applied to the bytes.
    ///
    /// The tree becomes a libxml2 document, written out exactly as libxml2 writes it: by
    /// `DocumentWriter` for UTF-8 and GB18030 (the tests compare it with libxml2's own writer and
    /// encoder), by libxml2 for any other encoding and for indentation. Namespaced names get their
    /// prefix from `prefixes` (namespace URI → prefix, "" for the default namespace); prefixed
    /// namespaces are declared once, on the root. Names that are not XML names, text XML cannot
    /// carry, and namespaces without a prefix are errors, so a mapping mistake never goes out as a
    /// malformed message. `indent` is for people.
    public static func serialize(_ tree: XMLTree, encoding: String, prefixes: [String: String], indent: Bool = false) throws(XMLError) -> [UInt8] {
        try LibXML.capturingErrors { (log) throws(XMLError) -> [UInt8] in
            let document = try TreeBuilder.document(for: tree, prefixes: prefixes)
            defer { xmlFreeDoc(document) }
            return try write(document, encoding: encoding, indent: indent, log: log)
        }
    }

    /// Writes a tree like `serialize(_:encoding:prefixes:indent:)`, but only when it is valid
    /// against `schema`: the failure lists the issues as `XSDSchema.validate` does, without line
    /// numbers (the document was never text).
    ///
    /// Every outbound message must be valid against the partner's schema. Validating the document
    /// built from the tree, before it is written, spares writing it and then parsing the bytes
    /// again (in GB18030, the slowest part), and the bytes returned are those of the document
    /// validated. Mistakes in the tree itself (see `serialize`) are still thrown.
    public static func serialize(
        _ tree: XMLTree, encoding: String, prefixes: [String: String], validatingWith schema: XSDSchema
    ) throws(XMLError) -> Result<[UInt8], ValidationFailure> {
        try LibXML.capturingErrors { (log) throws(XMLError) -> Result<[UInt8], ValidationFailure> in
            let document = try TreeBuilder.document(for: tree, prefixes: prefixes)
            defer { xmlFreeDoc(document) }
            let issues = schema.issues(validating: document, log: log)
            guard issues.isEmpty else { return .failure(ValidationFailure(issues)) }
            return .success(try write(document, encoding: encoding, indent: false, log: log))
        }
    }

    /// The bytes of `document` in `encoding`, prolog included. Must run inside
    /// `LibXML.capturingErrors`, whose log receives the errors.
    ///
    /// UTF-8 and GB18030 without indentation, the agreements' messages, are written by
    /// `DocumentWriter`, the same bytes as libxml2's writer at a fraction of the cost; anything
    /// else by libxml2.
    private static func write(_ document: xmlDocPtr, encoding: String, indent: Bool, log: ErrorLog) throws(XMLError) -> [UInt8] {
        if !indent, let bytes = DocumentWriter.bytes(of: document, encoding: encoding) { return bytes }
        var memory: UnsafeMutablePointer<xmlChar>?
        var count: Int32 = 0
        xmlDocDumpFormatMemoryEnc(document, &memory, &count, encoding, indent ? 1 : 0)
        guard let memory else { throw log.firstError ?? XMLError(reason: "libxml2 could not write the document in \(encoding)") }
        defer { tongban_xml_free(memory) }
        return Array(UnsafeBufferPointer(start: memory, count: Int(count)))
    }
}
