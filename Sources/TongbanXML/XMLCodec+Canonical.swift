import TongbanCore

extension XMLCodec {
    /// A canonical rendering of a document for golden-file tests: two documents that differ only
    /// in encoding, prolog, insignificant whitespace, attribute order or namespace prefixes give
    /// the same string; any difference in names, attribute values or text gives different ones.
    ///
    /// It is the document parsed as an `XMLTree` (the model the gateway works on, so "equal" means
    /// equal to the gateway) and written back as indented UTF-8 XML with attributes sorted by
    /// namespace and name, the root's namespace as the default and `ns1`, `ns2`… for the others in
    /// document order: one element per line, so a failing comparison shows a readable diff.
    public static func canonicalForm(_ bytes: some Collection<UInt8>) throws(XMLError) -> String {
        let tree = try parse(bytes)
        let canonical = XMLTree(root: sortingAttributes(tree.root))
        let output = try serialize(canonical, encoding: "UTF-8", prefixes: canonicalPrefixes(canonical), indent: true)
        return String(decoding: output, as: UTF8.self)
    }

    private static func sortingAttributes(_ element: XMLTree.Element) -> XMLTree.Element {
        var element = element
        element.attributes.sort { ($0.name.namespace ?? "", $0.name.local) < ($1.name.namespace ?? "", $1.name.local) }
        element.children = element.children.map(sortingAttributes)
        return element
    }

    private static func canonicalPrefixes(_ tree: XMLTree) -> [String: String] {
        var order: [String] = []
        var onAttributes: Set<String> = []
        func visit(_ element: XMLTree.Element) {
            if let uri = element.name.namespace, !order.contains(uri) { order.append(uri) }
            for attribute in element.attributes {
                guard let uri = attribute.name.namespace else { continue }
                onAttributes.insert(uri)
                if !order.contains(uri) { order.append(uri) }
            }
            element.children.forEach(visit)
        }
        visit(tree.root)
        var prefixes: [String: String] = [:]
        var next = 1
        for uri in order where uri != TreeBuilder.xmlNamespace {
            if uri == tree.root.name.namespace, !onAttributes.contains(uri) {
                prefixes[uri] = ""
            } else {
                prefixes[uri] = "ns\(next)"
                next += 1
            }
        }
        return prefixes
    }
}
