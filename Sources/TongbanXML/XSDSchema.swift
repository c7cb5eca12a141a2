internal import CLibXML2
import Synchronization
import TongbanCore

/// An XML Schema compiled once, validating any number of documents, concurrently if need be.
///
/// Compiling an XSD is far slower than validating with it, and the gateway validates every
/// message it sends and receives, so a partner's schema is compiled when the catalog loads and
/// shared by every request.
///
/// `@unchecked Sendable` is sound because nothing mutable is shared unguarded: the compiled
/// `xmlSchema` (and the schema document its components point into) is only read after `init`, and
/// every validation has an `xmlSchemaValidCtxt` to itself, holding all per-validation state (its
/// dictionary, element stack, regex executions; errors go to the calling thread's handler), and
/// works on its own document. libxml2 lists validation among its thread-safe parts under exactly
/// that condition (separate contexts and documents per thread). Contexts are reused: one is taken
/// from `idleContexts` under its lock and put back after the validation, which libxml2 resets it
/// for. The one shared lazy initialization, of the XSD built-in types, is done once before any
/// schema exists (see `LibXML`). The pointers are private and freed only in `deinit`, when no
/// validation can still be using them.
public final class XSDSchema: @unchecked Sendable {
    /// What the schema is called in errors, such as `kstb-2.1.xsd`.
    public let name: String
    private let document: xmlDocPtr
    private let schema: xmlSchemaPtr
    /// Validation contexts no validation is using; at most as many as validations ever ran at once.
    /// Creating and freeing a context for every message cost about a twentieth of validating it.
    private let idleContexts = Mutex<[ValidationContext]>([])

    /// A validation context, used by one validation at a time (see the class comment).
    private struct ValidationContext: @unchecked Sendable {
        let pointer: xmlSchemaValidCtxtPtr
    }

    /// Compiles an XSD from its bytes, parsed like a message (so no DOCTYPE either). Nothing is
    /// loaded from elsewhere: an `import` or `include` of another file is an error, a partner's
    /// schema must be self-contained.
    public init(bytes: some Collection<UInt8>, name: String) throws(XMLError) {
        self.name = name
        (document, schema) = try LibXML.capturingErrors { (log) throws(XMLError) -> (xmlDocPtr, xmlSchemaPtr) in
            let document: xmlDocPtr
            do throws(XMLError) {
                document = try XMLCodec.parseDocument(bytes, maxBytes: XMLCodec.maximumBytes, log: log)
            } catch {
                throw XMLError(line: error.line, reason: "\(name): \(error.reason)")
            }
            let parser = xmlSchemaNewDocParserCtxt(document)
            defer { xmlSchemaFreeParserCtxt(parser) }
            guard let schema = xmlSchemaParse(parser) else {
                xmlFreeDoc(document)
                let error = log.firstError ?? XMLError(reason: "libxml2 could not compile the schema")
                throw XMLError(line: error.line, reason: "\(name): \(error.reason)")
            }
            return (document, schema)
        }
    }

    deinit {
        for context in idleContexts.withLock({ $0 }) { xmlSchemaFreeValidCtxt(context.pointer) }
        xmlSchemaFree(schema)
        xmlFreeDoc(document)
    }

    /// Validates the exact bytes that were received (or will be sent), parsed as safely as
    /// `XMLCodec.parse` does. Each issue's `path` is the element's path by local names, such as
    /// `/KSTB/SBXX/SQR/ZJHM` (`CL[2]` where siblings share a name), and its `reason` libxml2's
    /// message with ` (line N)`. A document that does not parse gives one issue at `/`.
    /// Empty means valid. Outbound trees are better validated while being serialized, see
    /// `XMLCodec.serialize(_:encoding:prefixes:validatingWith:)`.
    public func validate(_ bytes: some Collection<UInt8>) -> [ValidationIssue] {
        LibXML.capturingErrors { log -> [ValidationIssue] in
            let document: xmlDocPtr
            do throws(XMLError) {
                document = try XMLCodec.parseDocument(bytes, maxBytes: XMLCodec.maximumBytes, log: log)
            } catch {
                return [ValidationIssue(path: "/", reason: error.description)]
            }
            defer { xmlFreeDoc(document) }
            return issues(validating: document, log: log)
        }
    }

    /// The issues of `document` against this schema, as `validate` describes them; ` (line N)`
    /// only where the nodes have lines, that is in a parsed document. Must run inside
    /// `LibXML.capturingErrors`, whose `log` receives libxml2's errors.
    func issues(validating document: xmlDocPtr, log: ErrorLog) -> [ValidationIssue] {
        guard let context = idleContexts.withLock({ $0.popLast() }) ?? xmlSchemaNewValidCtxt(schema).map(ValidationContext.init) else {
            return [ValidationIssue(path: "/", reason: "libxml2 could not create a validation context")]
        }
        let earlierEntries = log.entries.count
        let result = xmlSchemaValidateDoc(context.pointer, document)
        idleContexts.withLock { $0.append(context) }
        let issues = log.entries[earlierEntries...].filter { !$0.isWarning }.map { entry in
            ValidationIssue(
                path: entry.node.map { Self.path(of: $0.assumingMemoryBound(to: xmlNode.self)) } ?? "/",
                reason: entry.line.map { "\(entry.message) (line \($0))" } ?? entry.message
            )
        }
        if result != 0, issues.isEmpty {
            return [ValidationIssue(path: "/", reason: "libxml2 could not validate the document against \(name)")]
        }
        return issues
    }

    /// `/KSTB/SBXX/CLLB/CL[2]`: the local names from the root down to `node`, with a 1-based
    /// position where an element has siblings of the same name.
    private static func path(of node: xmlNodePtr) -> String {
        var steps: [String] = []
        var current: xmlNodePtr? = node
        while let element = current, element.pointee.type == XML_ELEMENT_NODE {
            var step = String(cString: element.pointee.name)
            var position = 1
            var sibling = element.pointee.prev
            while let earlier = sibling {
                if isSameName(earlier, element) { position += 1 }
                sibling = earlier.pointee.prev
            }
            sibling = element.pointee.next
            var hasLaterNamesake = false
            while let later = sibling, !hasLaterNamesake {
                hasLaterNamesake = isSameName(later, element)
                sibling = later.pointee.next
            }
            if position > 1 || hasLaterNamesake { step += "[\(position)]" }
            steps.append(step)
            current = element.pointee.parent
        }
        return "/" + steps.reversed().joined(separator: "/")
    }

    private static func isSameName(_ node: xmlNodePtr, _ element: xmlNodePtr) -> Bool {
        node.pointee.type == XML_ELEMENT_NODE
            && xmlStrEqual(node.pointee.name, element.pointee.name) != 0
            && xmlStrEqual(node.pointee.ns?.pointee.href, element.pointee.ns?.pointee.href) != 0
    }
}
