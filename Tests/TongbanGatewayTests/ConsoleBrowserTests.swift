import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanTesting

/// The console as an operator uses it, in a real headless Chromium driven over the DevTools
/// protocol by `Fixtures/console_browser.py`, against the gateway serving on a real port.
@Suite("Console in a browser")
struct ConsoleBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Kept after the run: each page's screenshot, and the driver's output.
    static let artefacts = Repository.root.appendingPathComponent(".build/test-artefacts/console")
    static let pages = ["01-login", "02-overview", "03-dead-letters", "04-replay-form", "05-dry-run", "06-replay-progress", "07-transfer-delivered"]

    @Test("log in, find the dead letter, dry-run a re-translation, confirm it with a reason, see it delivered; a screenshot of each page")
    func replayThroughTheBrowser() async throws {
        guard let chromium = Self.chromium else {
            Issue.record("chromium is missing: run ops/setup.sh (installs chromium)")
            return
        }
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators)
        let (broken, folder) = try DeadLetterTests.brokenCatalog()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = harness.clock
        let before = Gateway(configuration: harness.gateway.configuration, catalog: broken, store: harness.store, clock: GatewayClock { clock.millis })
        guard case .accepted(let record, _) = try await before.submit(CaseFixtures.sample.bytes) else { throw CancellationError() }
        _ = try await DeadLetterTests.deliver(before, clock: clock, answering: .malformed)
        #expect(try await harness.transfers(of: record.id).first?.state == .dead)

        try? FileManager.default.removeItem(at: Self.artefacts)
        try FileManager.default.createDirectory(at: Self.artefacts, withIntermediateDirectories: true)
        let output = Self.artefacts.appendingPathComponent("console_browser.log")
        let script = Repository.root.appendingPathComponent("Tests/TongbanGatewayTests/Fixtures/console_browser.py")
        let status = try await harness.application().test(.live) { client -> Int32 in
            let port = try #require(client.port)
            // 桐柏 accepts whatever is due: the replayed transfer is delivered once confirmed.
            let partner = Task {
                while !Task.isCancelled {
                    _ = try? await DeadLetterTests.deliver(harness.gateway, clock: clock, answering: .accepted)
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            defer { partner.cancel() }
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let log = try FileHandle(forWritingTo: output)
            defer { try? log.close() }
            let nothing = open("/dev/null", O_RDONLY | O_CLOEXEC)
            defer { close(nothing) }
            let process = try Spawned("/usr/bin/env", ["python3", script.path, chromium, "http://127.0.0.1:\(port)", Self.artefacts.path, "duty", ConsoleTests.password],
                                      input: nothing, output: log.fileDescriptor, error: log.fileDescriptor)
            if !(await process.exit(within: .seconds(180))) {
                process.send(SIGTERM)
                await process.exit(within: .seconds(10))
            }
            return process.terminationStatus ?? -1
        }
        let driver = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        print("console screenshots: \(Self.artefacts.path)")
        #expect(status == 0, "the browser run failed:\n\(driver)")
        for page in Self.pages {
            let data = try #require(FileManager.default.contents(atPath: Self.artefacts.appendingPathComponent("\(page).png").path), "\(page).png is missing")
            #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && data.count > 5000, "\(page).png is not a real screenshot")
        }
        let delivered = try #require(try await harness.transfers(of: record.id).first)
        #expect(delivered.state == .delivered)
        let log = try await harness.store.read { try $0.messageLog(caseID: record.id) }
        #expect(log.contains { $0.route == "replay retranslate" && $0.actor == "operator:duty" && $0.reason == "ZJLX 10 for 居民身份证, code list fixed" })
    }
}
