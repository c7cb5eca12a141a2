import Foundation
import Testing
import TongbanCore
import TongbanHTTPClient
import TongbanPartners

/// `kill -HUP` on a running `tongban serve`: the runbook's rotation procedure against the real
/// process, with a key read from a file as production configurations do.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ReloadTests {
    @Test func aHangupRotatesAnAPIKeyWithoutARestart() async throws {
        try await EndToEnd.run { env in
            let gateway = try #require(env.gateway)
            let newKey = "window-key-2027-\(env.runID)"
            func status(_ key: String) async throws -> Int {
                try await env.request("GET", env.gatewayURL + "/v1/cases", headers: [HTTPHeader("Authorization", "Bearer \(key)")]).status
            }
            let sample = try String(contentsOf: env.configFile, encoding: .utf8)
            let oldLine = "      sha256: 1c930a63ab7785eabbb462006726831f383c2dfab5ad6ef82b0a508f9a963171   # DEMO key \"demo-window-key-suixian\""
            #expect(sample.contains(oldLine))
            let newEntry = "    - name: suixian-windows-2027\n      sha256: \(Digests.sha256Hex(Array(newKey.utf8)))"

            try (sample.replacingOccurrences(of: oldLine, with: oldLine + "\n" + newEntry)).write(to: env.configFile, atomically: true, encoding: .utf8)
            kill(gateway.pid, SIGHUP)
            #expect(try await Self.eventually { try await status(newKey) == 200 }, "the new key works after the hangup")
            #expect(try await status(EndToEnd.apiKey) == 200, "the old key still works during the overlap")
            #expect(!gateway.logTail(lines: 200).contains("only a restart applies"),
                    "only keys changed: the data directory the gateway made at its start is not reported as moved")

            // A mistake in the file: the running keys stay, the process stays up.
            try (sample + "\nlisten_typo: 1\n").write(to: env.configFile, atomically: true, encoding: .utf8)
            kill(gateway.pid, SIGHUP)
            #expect(try await Self.eventually { gateway.logTail(lines: 200).contains("configuration not reloaded") })
            #expect(gateway.logTail(lines: 200).contains("listen_typo"), "the error names the key")
            #expect(try await status(newKey) == 200)
            #expect(try await status(EndToEnd.apiKey) == 200)

            // The overlap ends: only the new key.
            let withoutOld = sample.replacingOccurrences(of: "    - name: suixian-windows\n" + oldLine, with: newEntry)
            #expect(withoutOld != sample)
            try withoutOld.write(to: env.configFile, atomically: true, encoding: .utf8)
            kill(gateway.pid, SIGHUP)
            #expect(try await Self.eventually { try await status(EndToEnd.apiKey) == 401 }, "the old key is refused")
            #expect(try await status(newKey) == 200)
            #expect(gateway.logTail(lines: 200).contains("local.apiKeys (2 → 1)"))
            #expect(!gateway.logTail(lines: 400).contains(Digests.sha256Hex(Array(newKey.utf8))), "the log names what changed, not the values")
            return ()
        }
    }

    static func eventually(_ seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }
}
