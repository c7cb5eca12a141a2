internal import CLibXML2
import TongbanCore

extension XMLCodec {
    /// Writes a tree as a complete document in `encoding` ("UTF-8", "GB18030", or any other
    /// encoding libxml2 supports), which is both declared in the prolog and applied to the bytes.
    ///
    /// Written with libxml2's streaming writer so escaping and transcoding are the library's, not
    /// hand-rolled. Namespaced names get their prefix from `prefixes` (namespace URI → prefix,
    /// "" for the default namespace); prefixed namespaces are declared once, on the root. Names
    /// that are not XML names, text XML cannot carry, and namespaces without a prefix are errors,
    /// so a mapping mistake never goes out as a malformed message. `indent` is for people.
    public static func serialize(_ tree: XMLTree, encoding: String, prefixes: [String: String], indent: Bool = false) throws(XMLError) -> [UInt8] {
        try LibXML.capturingErrors { (log) throws(XMLError) -> [UInt8] in
            guard let buffer = xmlBufferCreate() else { throw XMLError(reason: "libxml2 could not allocate a buffer") }
            defer { xmlBufferFree(buffer) }
            guard let writer = xmlNewTextWriterMemory(buffer, 0) else { throw XMLError(reason: "libxml2 could not create a writer") }
            defer { xmlFreeTextWriter(writer) }
            var output = TreeWriter(writer: writer, prefixes: prefixes, log: log)
            try output.check(encoding.withCString { xmlTextWriterStartDocument(writer, "1.0", $0, nil) })
            if indent {
                try output.check(xmlTextWriterSetIndent(writer, 1))
                try output.check(xmlTextWriterSetIndentString(writer, "  "))
            }
            try output.write(tree)
            try output.check(xmlTextWriterEndDocument(writer))
            return Array(UnsafeBufferPointer(start: xmlBufferContent(buffer), count: Int(xmlBufferLength(buffer))))
        }
    }
}
