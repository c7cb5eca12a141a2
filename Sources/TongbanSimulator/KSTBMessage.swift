import TongbanCore
import TongbanPartners

/// Reads and edits KSTB 2.1 documents by element path (`BWT/BWBH`, `SBXX/SBLSH`), in the
/// KSTB namespace.
struct KSTBMessage {
    var root: XMLTree.Element

    init(_ tree: XMLTree) { root = tree.root }

    var tree: XMLTree { XMLTree(root: root) }

    /// The text of the element at `path` below the root, nil when there is none.
    func text(_ path: String...) -> String? {
        var element: XMLTree.Element? = root
        for name in path { element = element?.firstChild(named: Self.name(name)) }
        return element?.text
    }

    /// Replaces the text of the element at `path`, which must exist.
    mutating func setText(_ value: String, _ path: String...) {
        Self.set(value, in: &root, path: path[...])
    }

    var messageNumber: String? { text("BWT", "BWBH").flatMap { $0.isEmpty ? nil : $0 } }
    var businessType: String? { text("BWT", "YWLX") }
    var receiver: String? { text("BWT", "JSF") }

    static func name(_ local: String) -> XMLQName { XMLQName(local, namespace: KSTBReceipt.namespace) }

    private static func set(_ value: String, in element: inout XMLTree.Element, path: ArraySlice<String>) {
        guard let first = path.first else {
            element.text = value
            return
        }
        guard let index = element.children.firstIndex(where: { $0.name == name(first) }) else { return }
        set(value, in: &element.children[index], path: path.dropFirst())
    }
}
