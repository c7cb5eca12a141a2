import TongbanCore
import TongbanXML

/// What an operator compares before a replay: a payload as readable lines (XML one element per
/// line in UTF-8 whatever its encoding, JSON pretty-printed) and a line diff of two of them.
enum PayloadDiff {
    static func lines(_ payload: [UInt8], contentType: String) -> [String] {
        let text: String
        if contentType.contains("xml"), let canonical = try? XMLCodec.canonicalForm(payload) {
            text = canonical
        } else if contentType.contains("json"), let json = try? JSONParser.parse(payload) {
            text = json.prettyPrinted()
        } else {
            text = String(decoding: payload, as: UTF8.self)
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The lines of `old` and `new` marked `-` (only in old), `+` (only in new) or ` ` (both), in
    /// order, from their longest common subsequence; empty when they are the same.
    static func diff(_ old: [String], _ new: [String]) -> [String] {
        guard old != new else { return [] }
        let n = old.count, m = new.count
        var common = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                common[i][j] = old[i] == new[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var lines: [String] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] {
                lines.append("  " + old[i]); i += 1; j += 1
            } else if i < n, j == m || common[i + 1][j] >= common[i][j + 1] {
                lines.append("- " + old[i]); i += 1
            } else {
                lines.append("+ " + new[j]); j += 1
            }
        }
        return lines
    }
}
