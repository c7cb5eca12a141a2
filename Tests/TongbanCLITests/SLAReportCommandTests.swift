import Foundation
import Testing
import TongbanCore
import TongbanStorage
import TongbanTesting

/// `tongban sla report` as an operator runs it: the sample configuration pointed at a database
/// holding cases that crossed the 2026 Spring Festival.
struct SLAReportCommandTests {
    func withConfiguredDatabase(_ body: (String) throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-sla-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("tongban.sqlite").path)
        _ = try await store.migrate()
        // 5 working days from Thu 12 Feb: promised 27 Feb 00:00 (13 Feb, Sat 14 Feb make-up, 24–26 Feb).
        for (number, approved) in [("SX01", "2026-02-26T17:00:00+08:00"), ("SX02", "2026-02-27T09:00:00+08:00"), ("SX03", "2026-02-20T11:00:00+08:00")] {
            let canonical = CaseFixtures.sample.setting("caseNumber", .string(number)).serialized()
            let accepted = Timestamp.parseRFC3339("2026-02-12T10:00:00+08:00")!.epochSeconds * 1000
            let done = Timestamp.parseRFC3339(approved)!.epochSeconds * 1000
            try await store.write { writer in
                _ = try writer.insertCase(
                    CaseRecord(id: "case-\(number)", direction: .outbound, origin: "suixian", partner: "henan-tongbai", caseNumber: number,
                               version: 1, matterCode: "421321GA0130001", status: "approved", statusAt: done, createdAt: accepted, updatedAt: done),
                    firstVersion: CaseVersionRecord(caseID: "case-\(number)", version: 1, digest: String(repeating: "0", count: 64),
                                                    canonical: canonical, createdAt: accepted))
                for (status, at) in [("accepted", accepted), ("approved", done)] {
                    _ = try writer.insertStatus(StatusRecord(caseID: "case-\(number)", status: status, partnerCode: nil, at: at, receivedAt: at,
                                                             source: .partner, outcome: .applied, note: nil, canonical: []))
                }
            }
        }
        await store.close()
        let sample = try String(contentsOf: Repository.root.appendingPathComponent("ops/config/tongban.yaml"), encoding: .utf8)
        let configuration = sample.replacingOccurrences(of: "dataDirectory: .tongban/data", with: "dataDirectory: \(directory.path)")
        #expect(configuration != sample)
        let file = directory.appendingPathComponent("tongban.yaml")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        try body(file.path)
    }

    @Test func theReportCountsTheSpringFestivalAndTheMakeUpSaturday() async throws {
        try await withConfiguredDatabase { config in
            let run = try CommandLineTests().tongban(["sla", "report", "--config", config, "--from", "2026-02-01T00:00:00+08:00"])
            #expect(run.status == 0, "\(run.stderr)")
            let row = try #require(run.text.split(separator: "\n").first { $0.hasPrefix("agreement henan-tongbai") })
            let columns = row.split(separator: " ").map(String.init)
            // cases, completed, on time, rate: SX02 finished 9 hours after its promise.
            #expect(columns.suffix(from: 2).prefix(4) == ["3", "3", "2", "66.7%"], "\(row)")
            let json = try CommandLineTests().tongban(["sla", "report", "--config", config, "--json"])
            #expect(json.status == 0, "\(json.stderr)")
            let figures = try JSONParser.parse(json.stdout)
            #expect(figures["byMatter"]?["421321GA0130001"]?["completedOnTime"]?.integerValue == 2)
        }
    }

    @Test func aBadTimeIsAUsageError() throws {
        let run = try CommandLineTests().tongban(["sla", "report", "--from", "yesterday"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("RFC 3339"))
    }
}
