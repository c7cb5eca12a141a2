internal import CLibXML2

/// The process-wide libxml2 setup, and the error capture every entry point runs inside.
///
/// libxml2 reports errors through per-thread handlers whose default prints to stderr. A gateway
/// must neither leak partner data into logs that way nor lose the message, so every public entry
/// point runs its libxml2 calls inside `capturingErrors`, which points the calling thread's
/// structured handler at a fresh `ErrorLog` and restores the previous one afterwards. The calls
/// are synchronous, so they cannot hop threads in between.
enum LibXML {
    /// Swift runs a static `let` initializer exactly once and thread-safely: the one-time setup.
    private static let setUp: Void = {
        xmlInitParser()
        // libxml2 initializes the XSD built-in types lazily, in `xmlSchemaParse`, without a lock
        // (libxml2 issue #930); doing it here, once, keeps concurrent schema compiles from racing.
        xmlSchemaInitTypes()
        // Tongban never lets libxml2 open a file or URL: documents and schemas arrive as bytes, and
        // a DOCTYPE is refused before anything could be loaded. This loader makes that hold on every
        // path, XSD `import` and `include` too.
        xmlSetExternalEntityLoader { _, _, _ in nil }
        xmlThrDefSetStructuredErrorFunc(nil) { _, _ in }
        tongban_xml_silence_generic_errors_by_default()
    }()

    /// Makes sure the one-time setup has run; every use of libxml2 starts with it.
    static func prepare() {
        _ = setUp
    }

    /// Runs `body` with libxml2's errors on this thread going to a new `ErrorLog`, never to stderr.
    static func capturingErrors<Result, Failure: Error>(
        _ body: (ErrorLog) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        prepare()
        let log = ErrorLog()
        let savedHandler = __xmlStructuredError().pointee
        let savedContext = __xmlStructuredErrorContext().pointee
        tongban_xml_silence_generic_errors()
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(log).toOpaque()) { context, error in
            guard let context, let error else { return }
            Unmanaged<ErrorLog>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
        }
        defer { xmlSetStructuredErrorFunc(savedContext, savedHandler) }
        return try withExtendedLifetime(log) { () throws(Failure) -> Result in try body(log) }
    }
}

/// The errors libxml2 (and Tongban's own refusals) reported during one call, in order.
final class ErrorLog {
    struct Entry {
        var isWarning: Bool
        var line: Int?
        var message: String
        /// The `xmlNode` the error is about, valid only while its document is; schema validation
        /// sets it, and `XSDSchema` turns it into an element path.
        var node: UnsafeMutableRawPointer?
    }

    private(set) var entries: [Entry] = []

    /// The first error (not warning): the cause, where later ones are often its consequences.
    var firstError: XMLError? {
        entries.first { !$0.isWarning }.map { XMLError(line: $0.line, reason: $0.message) }
    }

    func record(_ error: xmlError) {
        let message = error.message.map { String(cString: $0).trimmingXMLWhitespace() }
        entries.append(Entry(
            isWarning: error.level == XML_ERR_WARNING,
            line: error.line > 0 ? Int(error.line) : nil,
            message: message ?? "libxml2 error \(error.domain).\(error.code)",
            node: error.node
        ))
    }

    /// Records a refusal decided by Tongban rather than libxml2 (a DOCTYPE, excessive depth).
    func refuse(_ reason: String, line: Int?) {
        entries.append(Entry(isWarning: false, line: line, message: reason, node: nil))
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks (libxml2 ends its
    /// messages with a newline). Foundation-free, like the rest of the module.
    func trimmingXMLWhitespace() -> String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { !$0.isXMLWhitespace }) else { return "" }
        let last = utf8.lastIndex(where: { !$0.isXMLWhitespace })!
        return String(self[first...last])
    }
}

extension UInt8 {
    /// The four whitespace characters of XML 1.0 (space, tab, line feed, carriage return).
    var isXMLWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x09 || self == 0x0D }
}
