import Foundation
import TongbanTesting

/// A scrape of `/metrics` read back: each sample by name and labels, and each family's `# TYPE`.
/// Enough of the text format for the gateway's own output (label values without commas,
/// quotes or escapes), so tests assert on numbers, not on substrings.
struct MetricsExposition {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    /// Family name → `counter`, `gauge` or `histogram`, from the `# TYPE` lines.
    var types: [String: String] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { types[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            var labels: [String: String] = [:]
            var name = String(series)
            if let open = series.firstIndex(of: "{"), let close = series.lastIndex(of: "}") {
                name = String(series[..<open])
                for pair in series[series.index(after: open)..<close].split(separator: ",") {
                    guard let equals = pair.firstIndex(of: "=") else { continue }
                    labels[String(pair[..<equals])] = String(pair[pair.index(after: equals)...]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
    }

    /// The value of the one sample with exactly these labels; nil when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The samples of `name` (any labels).
    func samples(_ name: String) -> [Sample] {
        samples.filter { $0.name == name }
    }
}

/// The series table of docs/operations.md ("Metrics and alerts"): rows whose first cell is a
/// backquoted `tongban_` name, as (name, type, label names).
struct DocumentedSeries: Hashable, CustomStringConvertible {
    var name: String
    var type: String
    var labels: [String]

    var description: String { "\(name) \(type) {\(labels.joined(separator: ","))}" }

    static func fromOperationsGuide() throws -> [DocumentedSeries] {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        guard let section = text.range(of: "\n## Metrics and alerts\n") else { return [] }
        let rest = text[section.upperBound...]
        let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        return rest[..<end].split(separator: "\n").compactMap { line -> DocumentedSeries? in
            guard line.hasPrefix("| `tongban_") else { return nil }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5 else { return nil }
            func names(_ cell: String) -> [String] {
                cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            }
            return DocumentedSeries(name: names(cells[1]).first ?? "", type: cells[2], labels: names(cells[3]))
        }
    }
}
