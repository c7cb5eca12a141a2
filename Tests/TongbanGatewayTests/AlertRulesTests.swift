import Foundation
import Testing
@testable import TongbanGateway
import TongbanTesting

/// ops/prometheus/alerts.yaml checked and unit-tested by promtool (Debian's `prometheus` package,
/// which `ops/setup.sh` installs), and kept in step with the metrics and the runbook.
@Suite("Alert rules: ops/prometheus")
struct AlertRulesTests {
    static let folder = Repository.root.appendingPathComponent("ops/prometheus")

    /// promtool's path on `PATH`, or nil.
    static var promtool: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/promtool" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let missing = "promtool is missing: run ops/setup.sh, which installs Debian's `prometheus` package (it ships promtool)"

    /// Runs promtool in ops/prometheus with `input` on standard input; its exit status and output.
    static func run(_ arguments: [String], input: [UInt8] = []) throws -> (status: Int32, output: String) {
        guard let promtool else { throw PromtoolMissing() }
        let run = try Spawned.run(promtool, arguments, directory: folder, input: input)
        return (run.status, String(decoding: run.stdout + run.stderr, as: UTF8.self))
    }

    struct PromtoolMissing: Error, CustomStringConvertible {
        var description: String { AlertRulesTests.missing }
    }

    @Test("promtool check rules accepts alerts.yaml")
    func rulesAreValid() throws {
        guard Self.promtool != nil else { Issue.record("\(Self.missing)"); return }
        let (status, output) = try Self.run(["check", "rules", "alerts.yaml"])
        #expect(status == 0, "promtool check rules alerts.yaml:\n\(output)")
    }

    @Test("promtool test rules: every alert fires on its synthetic series, and stays silent on the others")
    func rulesFireAsTested() throws {
        guard Self.promtool != nil else { Issue.record("\(Self.missing)"); return }
        let (status, output) = try Self.run(["test", "rules", "alerts.test.yaml"])
        #expect(status == 0, "promtool test rules alerts.test.yaml:\n\(output)")
        // Each rule has a test of its own.
        let tests = try String(contentsOf: Self.folder.appendingPathComponent("alerts.test.yaml"), encoding: .utf8)
        for alert in try Self.alertNames() {
            #expect(tests.contains("alertname: \(alert)"), "alerts.test.yaml does not test \(alert)")
        }
    }

    @Test("a live scrape passes promtool check metrics")
    func exposition() async throws {
        guard Self.promtool != nil else { Issue.record("\(Self.missing)"); return }
        let harness = try await GatewayHarness()
        _ = try await harness.gateway.submit(CaseFixtures.sample.bytes)
        let (status, output) = try Self.run(["check", "metrics"], input: try await harness.gateway.metricsExposition())
        #expect(status == 0, "promtool check metrics:\n\(output)")
    }

    /// The `- alert:` names of alerts.yaml.
    static func alertNames() throws -> [String] {
        let rules = try String(contentsOf: folder.appendingPathComponent("alerts.yaml"), encoding: .utf8)
        return rules.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("- alert: ") ? String(trimmed.dropFirst("- alert: ".count)) : nil
        }
    }

    @Test("the rules use documented series only, and the runbook explains every alert")
    func rulesMatchTheRunbook() throws {
        let rules = try String(contentsOf: Self.folder.appendingPathComponent("alerts.yaml"), encoding: .utf8)
        let documented = Set(GatewayMetrics.series.map(\.name))
        let used = Set(rules.matches(of: /tongban_[a-z_]+/).map { String($0.output) })
        #expect(!used.isEmpty)
        #expect(used.subtracting(documented).sorted() == [], "alerts.yaml uses series that GatewayMetrics.series does not list")
        let runbook = try String(contentsOf: Repository.root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let alerts = try Self.alertNames()
        #expect(alerts.count >= 4)
        for alert in alerts {
            #expect(runbook.contains("#### \(alert)"), "docs/operations.md has no \"#### \(alert)\" section")
        }
    }
}
