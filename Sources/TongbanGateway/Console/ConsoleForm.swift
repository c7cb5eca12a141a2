import Foundation

/// An `application/x-www-form-urlencoded` body, as the console's HTML forms send it.
struct ConsoleForm: Sendable {
    var fields: [(name: String, value: String)]

    init(_ body: [UInt8]) {
        fields = String(decoding: body, as: UTF8.self).split(separator: "&").compactMap { pair in
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? { text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(halves[0]) else { return nil }
            return (name, halves.count > 1 ? decode(halves[1]) ?? "" : "")
        }
    }

    /// The first value of `name`, trimmed; nil when absent or blank.
    subscript(name: String) -> String? {
        guard let value = fields.first(where: { $0.name == name })?.value.trimmingCharacters(in: .whitespacesAndNewlines),
              !value.isEmpty else { return nil }
        return value
    }

    func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }
}
