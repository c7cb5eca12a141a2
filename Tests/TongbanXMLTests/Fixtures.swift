import Foundation
import TongbanCore
import TongbanTesting

/// The KSTB 2.1 interface files of 河南省桐柏县 (schema and samples, unchanged), as kept in
/// its contract folder.
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        let directory = Repository.contracts.appendingPathComponent("henan-tongbai")
        return [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    static let kstbNamespace = "urn:ha:zwfw:kstb:2"
}

extension XMLTree {
    /// Every name, attribute (in order) and text of the tree, one element per line: comparing
    /// outlines compares trees, and a failure shows where they differ.
    var outline: String {
        var lines: [String] = []
        func visit(_ element: Element, depth: Int) {
            let attributes = element.attributes.map { " @\($0.name)=\($0.value.debugDescription)" }.joined()
            lines.append(String(repeating: "  ", count: depth) + "\(element.name)\(attributes) \(element.text.debugDescription)")
            for child in element.children { visit(child, depth: depth + 1) }
        }
        visit(root, depth: 0)
        return lines.joined(separator: "\n")
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in these bytes.
    func contains(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
