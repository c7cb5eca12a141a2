/// A qualified XML name: namespace URI (nil for none) and local name.
public struct XMLQName: Sendable, Hashable, CustomStringConvertible {
    public var namespace: String?
    public var local: String

    public init(_ local: String, namespace: String? = nil) {
        self.local = local
        self.namespace = namespace
    }

    public var description: String { namespace.map { "{\($0)}\(local)" } ?? local }
}

/// A data-oriented XML document: elements, attributes and text, no mixed content.
///
/// Partner messages are records, not prose; keeping this model in the core lets the mapping
/// engine read and build XML without depending on libxml2, which `TongbanXML` wraps.
public struct XMLTree: Sendable {
    public var root: Element

    public init(root: Element) { self.root = root }

    public struct Element: Sendable {
        public var name: XMLQName
        public var attributes: [(name: XMLQName, value: String)]
        public var children: [Element]
        /// The concatenated text and CDATA directly inside the element; whitespace between
        /// child elements is not kept.
        public var text: String

        public init(name: XMLQName, attributes: [(name: XMLQName, value: String)] = [], children: [Element] = [], text: String = "") {
            self.name = name
            self.attributes = attributes
            self.children = children
            self.text = text
        }

        public func attribute(_ name: XMLQName) -> String? {
            for attribute in attributes where attribute.name == name { return attribute.value }
            return nil
        }

        public func firstChild(named name: XMLQName) -> Element? {
            children.first { $0.name == name }
        }
    }
}
