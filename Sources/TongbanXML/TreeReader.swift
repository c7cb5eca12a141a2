internal import CLibXML2
import TongbanCore

/// Builds an `XMLTree` from a parsed libxml2 document in one pass over its nodes.
///
/// Only what the model keeps is converted to Swift: element and attribute names, attribute
/// values and non-blank text. Whitespace between child elements is checked on the C bytes and
/// never becomes a `String`, and a namespace URI is converted once per declaration rather than
/// once per element.
struct TreeReader {
    private var lastNamespace: (declaration: xmlNsPtr, uri: String)?

    mutating func element(_ node: xmlNodePtr) -> XMLTree.Element {
        var elementCount = 0
        var hasNonBlankText = false
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                elementCount += 1
            } else if current.pointee.type == XML_TEXT_NODE, !hasNonBlankText {
                hasNonBlankText = !Self.isBlank(current.pointee.content)
            }
            child = current.pointee.next
        }

        var children: [XMLTree.Element] = []
        children.reserveCapacity(elementCount)
        var text = ""
        let keepsText = elementCount == 0 || hasNonBlankText
        child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                children.append(element(current))
            } else if keepsText, current.pointee.type == XML_TEXT_NODE, let content = current.pointee.content {
                text += String(cString: content)
            }
            child = current.pointee.next
        }
        return XMLTree.Element(name: name(node.pointee.name, node.pointee.ns), attributes: attributes(of: node), children: children, text: text)
    }

    private mutating func attributes(of node: xmlNodePtr) -> [(name: XMLQName, value: String)] {
        var attributes: [(name: XMLQName, value: String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            var value = ""
            var text = current.pointee.children
            while let part = text {
                if let content = part.pointee.content { value += String(cString: content) }
                text = part.pointee.next
            }
            attributes.append((name(current.pointee.name, current.pointee.ns), value))
            attribute = current.pointee.next
        }
        return attributes
    }

    private mutating func name(_ local: UnsafePointer<xmlChar>, _ namespace: xmlNsPtr?) -> XMLQName {
        XMLQName(String(cString: local), namespace: namespace.flatMap { uri(of: $0) })
    }

    private mutating func uri(of namespace: xmlNsPtr) -> String? {
        if let last = lastNamespace, last.declaration == namespace { return last.uri }
        guard let href = namespace.pointee.href else { return nil }
        let uri = String(cString: href)
        lastNamespace = (namespace, uri)
        return uri
    }

    private static func isBlank(_ content: UnsafePointer<xmlChar>?) -> Bool {
        guard var byte = content else { return true }
        while byte.pointee != 0 {
            if !byte.pointee.isXMLWhitespace { return false }
            byte += 1
        }
        return true
    }
}
