import Foundation
import Testing
import TongbanCore
import TongbanTesting

/// The operator's command line against a running gateway and the simulator: 桐柏 refuses a batch,
/// the operator lists the dead letters, dry-runs a resend, replays it and follows it to the end.
@Suite(.serialized)
struct ReplayCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the built `tongban` with the demo operator's token in its environment.
    static func tongban(_ arguments: [String]) throws -> Run {
        var environment = ProcessInfo.processInfo.environment
        environment["TONGBAN_OPERATOR_TOKEN"] = "demo-operator-token"
        let run = try Spawned.run(ChildProcess.executable.path, arguments, environment: environment)
        return Run(status: run.status, stdout: String(decoding: run.stdout, as: UTF8.self), stderr: String(decoding: run.stderr, as: UTF8.self))
    }

    @Test func refusedCasesAreListedDryRunReplayedAndFollowedToDelivery() async throws {
        try await EndToEnd.run { env in
            try await env.control(["partner": "henan-tongbai", "permanentRate": 1])
            var numbers: [String] = []
            var ids: [String] = []
            for _ in 1...3 {
                let number = env.caseNumber("replay")
                numbers.append(number)
                ids.append(try await env.submitAccepted(.tongbai, caseNumber: number))
            }
            for id in ids {
                _ = try await env.waitForCase(id, "dead letter") { view in view["transfers"]?.arrayValue?.first?["state"]?.stringValue == "dead" }
            }
            try await env.control(["partner": "henan-tongbai", "permanentRate": 0])
            let gateway = ["--gateway", env.gatewayURL]

            let listed = try Self.tongban(["dlq", "list", "--destination", "henan-tongbai"] + gateway)
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stdout.split(separator: "\n").count == 3, "\(listed.stdout)")
            #expect(ids.allSatisfy { listed.stdout.contains($0) })

            let dry = try Self.tongban(["replay", "--destination", "henan-tongbai", "--mode", "resend", "--dry-run"] + gateway)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("0 queued, 3 would be queued, 0 skipped"), "\(dry.stdout)")
            #expect(dry.stdout.contains("(payload unchanged)"))

            let noReason = try Self.tongban(["replay", "--destination", "henan-tongbai", "--mode", "resend"] + gateway)
            #expect(noReason.status == 2 && noReason.stderr.contains("--reason is required"))

            let replayed = try Self.tongban(["replay", "--destination", "henan-tongbai", "--mode", "resend",
                                             "--reason", "桐柏 fixed its validator", "--watch"] + gateway)
            #expect(replayed.status == 0, "\(replayed.stderr)")
            #expect(replayed.stdout.contains("3 queued"), "\(replayed.stdout)")
            #expect(replayed.stdout.contains("3/3 delivered, 0 failed, 0 waiting"), "\(replayed.stdout)")

            for number in numbers {
                let held = try await env.heldCase(.tongbai, number)
                #expect(held != nil, "\(number) reached 桐柏")
            }
            let after = try Self.tongban(["dlq", "list"] + gateway)
            #expect(after.stdout == "no dead letters\n", "\(after.stdout)")
            return ()
        }
    }

    @Test func aReplayIsPausedAndResumedFromTheCommandLine() async throws {
        try await EndToEnd.run { env in
            try await env.control(["partner": "henan-tongbai", "permanentRate": 1])
            var ids: [String] = []
            var numbers: [String] = []
            for _ in 1...2 {
                numbers.append(env.caseNumber("hold"))
                ids.append(try await env.submitAccepted(.tongbai, caseNumber: numbers.last!))
            }
            for id in ids {
                _ = try await env.waitForCase(id, "dead letter") { view in view["transfers"]?.arrayValue?.first?["state"]?.stringValue == "dead" }
            }
            try await env.control(["partner": "henan-tongbai", "permanentRate": 0])
            let gateway = ["--gateway", env.gatewayURL]
            // The partner paused first, so nothing of the replay goes out before the replay's own pause.
            #expect(try Self.tongban(["partners", "pause", "henan-tongbai", "--reason", "set up"] + gateway).status == 0)
            let replayed = try Self.tongban(["replay", "--destination", "henan-tongbai", "--mode", "resend", "--reason", "桐柏 fixed it"] + gateway)
            #expect(replayed.status == 0, "\(replayed.stderr)")
            let replay = try #require(replayed.stdout.firstMatch(of: /replay (\d+): `tongban replay pause/).map { String($0.1) }, "\(replayed.stdout)")

            let paused = try Self.tongban(["replay", "pause", replay, "--reason", "桐柏 asked us to wait until 14:00"] + gateway)
            #expect(paused.status == 0, "\(paused.stderr)")
            #expect(paused.stdout.contains("replay \(replay) paused; 2 held, 0/2 delivered, 0 failed, 2 waiting (2 held)"), "\(paused.stdout)")
            #expect(try Self.tongban(["partners", "resume", "henan-tongbai", "--reason", "set up done"] + gateway).status == 0)
            try await Task.sleep(for: .seconds(1))
            let status = try Self.tongban(["replay", "status", replay] + gateway)
            #expect(status.stdout.contains("0/2 delivered, 0 failed, 2 waiting (2 held)"), "\(status.stdout)")
            #expect(status.stdout.contains("by duty: 桐柏 asked us to wait until 14:00"), "\(status.stdout)")
            for number in numbers { #expect(try await env.heldCase(.tongbai, number) == nil, "\(number) not sent while held") }

            let twice = try Self.tongban(["replay", "pause", replay, "--reason", "again"] + gateway)
            #expect(twice.status != 0 && twice.stderr.contains("already paused"), "\(twice.stderr)")
            let resumed = try Self.tongban(["replay", "resume", replay, "--reason", "14:00"] + gateway)
            #expect(resumed.status == 0 && resumed.stdout.contains("replay \(replay) resumed"), "\(resumed.stderr)")
            let watched = try Self.tongban(["replay", "status", replay, "--watch"] + gateway)
            #expect(watched.stdout.contains("2/2 delivered, 0 failed, 0 waiting"), "\(watched.stdout)")
            for number in numbers { #expect(try await env.heldCase(.tongbai, number) != nil, "\(number) reached 桐柏") }
            return ()
        }
    }
}
