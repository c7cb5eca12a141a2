import Foundation
import Testing
import TongbanCore
import TongbanTesting

/// The operations issue's acceptance scenario, with real processes: a wrong code-list entry makes
/// 桐柏 (the simulator) refuse a batch; the operator fixes the list, restarts, dry-runs a
/// re-translation, sees the diff, replays; every case reaches 桐柏 once, the message log verifies
/// and shows who replayed.
@Suite(.serialized)
struct CodeListFixTests {
    static let matter = "421321GA0130001"
    static let right = "411330000GA0130001"
    static let wrong = "411330000GA0130009"

    @Test func aWrongMatterCodeIsFixedReTranslatedAndDeliveredOnce() async throws {
        try await EndToEnd.run { env in
            // The gateway runs on a copy of the mappings (the agreements find their schemas in ../contracts).
            let root = env.directory.appendingPathComponent("repository")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Repository.mappings, to: root.appendingPathComponent("mappings"))
            try FileManager.default.copyItem(at: Repository.contracts, to: root.appendingPathComponent("contracts"))
            let matters = root.appendingPathComponent("mappings/henan-tongbai/codes/matters.yaml")
            let original = try String(contentsOf: matters, encoding: .utf8)
            try original.replacingOccurrences(of: "\(Self.matter): \(Self.right)", with: "\(Self.matter): \(Self.wrong)")
                .write(to: matters, atomically: true, encoding: .utf8)
            let config = try String(contentsOf: env.configFile, encoding: .utf8)
            try config.replacingOccurrences(of: "mappings: \(Repository.mappings.path)", with: "mappings: \(root.appendingPathComponent("mappings").path)")
                .write(to: env.configFile, atomically: true, encoding: .utf8)
            await env.gateway?.stop()
            try await env.startGateway()

            var cases: [(number: String, id: String)] = []
            for _ in 1...3 {
                let number = env.caseNumber("codes")
                cases.append((number, try await env.submitAccepted(.tongbai, caseNumber: number)))
            }
            var transfers: [Int64] = []
            for (_, id) in cases {
                let view = try await env.waitForCase(id, "refused by 桐柏 (JG=2)") { view in
                    view["transfers"]?.arrayValue?.first?["state"]?.stringValue == "dead"
                }
                #expect(view["transfers"]?.arrayValue?.first?["lastError"]?.stringValue?.contains("JG=2") == true, "\(view.compactString)")
                transfers.append(try #require(view["transfers"]?.arrayValue?.first?["id"]?.integerValue))
            }

            // The fix, and a restart: mappings load at start.
            try original.write(to: matters, atomically: true, encoding: .utf8)
            await env.gateway?.stop()
            try await env.startGateway()
            let gateway = ["--gateway", env.gatewayURL]
            let dry = try ReplayCommandTests.tongban(["replay", "--destination", "henan-tongbai", "--partner-code", "2",
                                                      "--mode", "retranslate", "--dry-run"] + gateway)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("3 would be queued"), "\(dry.stdout)")
            let diff = dry.stdout.split(separator: "\n")
            #expect(diff.contains { $0.contains("- ") && $0.contains("<SXBM>\(Self.wrong)</SXBM>") }, "\(dry.stdout)")
            #expect(diff.contains { $0.contains("+ ") && $0.contains("<SXBM>\(Self.right)</SXBM>") }, "\(dry.stdout)")

            let reason = "SXBM of 户口迁移 fixed in matters.yaml"
            let replayed = try ReplayCommandTests.tongban(["replay", "--destination", "henan-tongbai", "--partner-code", "2",
                                                           "--mode", "retranslate", "--reason", reason, "--watch"] + gateway)
            #expect(replayed.status == 0, "\(replayed.stderr)")
            #expect(replayed.stdout.contains("3/3 delivered, 0 failed, 0 waiting"), "\(replayed.stdout)")
            for (number, _) in cases {
                let held = try await env.heldCase(.tongbai, number)
                #expect(held?["received"]?.int == 1, "\(number): \(held?.compactString ?? "not held")")
            }

            let verified = try ReplayCommandTests.tongban(["log", "verify", "--config", env.configFile.path])
            #expect(verified.status == 0, "\(verified.stderr)")
            #expect(verified.stdout.hasPrefix("message log intact: "))
            let shown = try ReplayCommandTests.tongban(["dlq", "show", String(transfers[0])] + gateway)
            #expect(shown.stdout.contains("replay retranslate queued by operator:duty: \(reason)"), "\(shown.stdout)")
            #expect(shown.stdout.contains("<SXBM>\(Self.right)</SXBM>"))
            return ()
        }
    }
}
