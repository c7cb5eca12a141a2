import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TongbanCore
import TongbanStorage
import TongbanTesting

/// `tongban partners` against a real `tongban serve` on the sample configuration (its demo
/// operator and viewer tokens), as an operator runs it around a maintenance window.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct PartnersCommandTests {
    /// A `tongban serve` child process with its output in a log file.
    final class Server {
        let process: Spawned
        let log: URL
        private(set) var url = ""

        /// Starts the gateway on `config` and waits until it says where it listens (in `log`,
        /// which must be new: an earlier run's line would name an earlier port).
        init(config: URL, log: URL) throws {
            self.log = log
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            let nothing = open("/dev/null", O_RDONLY | O_CLOEXEC)
            defer {
                close(nothing)
                try? handle.close()
            }
            process = try Spawned(CommandLineTests.executable.path, ["serve", "--config", config.path], directory: Repository.root,
                                  input: nothing, output: handle.fileDescriptor, error: handle.fileDescriptor)
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, process.isRunning {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if let line = text.split(separator: "\n").last(where: { $0.contains("listening") }),
                   let port = line.firstMatch(of: /port=([0-9]+)/)?.1 {
                    url = "http://127.0.0.1:\(port)"
                    return
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            stop()
            throw Failure("tongban serve did not start:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }

        /// SIGTERM, then SIGKILL if it has not ended within 10 seconds.
        func stop() {
            guard process.isRunning else { return }
            process.send(SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            process.send(SIGKILL)
            process.waitUntilExit()
        }

        deinit { stop() }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The sample configuration on port 0 with a fresh data directory, and files holding the
    /// demo operator's and viewer's tokens.
    static func prepare(_ directory: URL) throws -> (config: URL, operatorToken: String, viewerToken: String) {
        let sample = try String(contentsOf: Repository.root.appendingPathComponent("ops/config/tongban.yaml"), encoding: .utf8)
        let configuration = sample.replacingOccurrences(of: "port: 8080", with: "port: 0")
            .replacingOccurrences(of: "dataDirectory: .tongban/data", with: "dataDirectory: \(directory.appendingPathComponent("data").path)")
        #expect(configuration.contains("port: 0") && configuration.contains(directory.path), "the sample configuration was reworded")
        let config = directory.appendingPathComponent("tongban.yaml")
        try configuration.write(to: config, atomically: true, encoding: .utf8)
        let operatorToken = directory.appendingPathComponent("operator.token")
        try "demo-operator-token\n".write(to: operatorToken, atomically: true, encoding: .utf8)
        let viewerToken = directory.appendingPathComponent("viewer.token")
        try "demo-viewer-token\n".write(to: viewerToken, atomically: true, encoding: .utf8)
        return (config, operatorToken.path, viewerToken.path)
    }

    @Test func pauseStatusAndResumeAgainstARunningGatewayAcrossARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-partners-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (config, operatorToken, viewerToken) = try Self.prepare(directory)
        let cli = CommandLineTests()
        var server = try Server(config: config, log: directory.appendingPathComponent("gateway-1.log"))
        func partners(_ arguments: [String], token: String = operatorToken) throws -> CommandLineTests.Run {
            try cli.tongban(["partners"] + arguments + ["--gateway", server.url, "--token-file", token])
        }

        let before = try partners(["status"])
        #expect(before.status == 0, "\(before.stderr)")
        let header = before.text.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.split(separator: " ", omittingEmptySubsequences: true).first == "DESTINATION")
        let rows = before.text.split(separator: "\n").dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.map { $0.first } == ["henan-tongbai", "hubei-zaoyang", "xiangshisuishen", "local"])
        #expect(rows.first?.prefix(4) == ["henan-tongbai", "kstb", "delivering", "closed"], "\(before.text)")

        let viewer = try partners(["pause", "henan-tongbai", "--reason", "maintenance"], token: viewerToken)
        #expect(viewer.status == 2 && viewer.stderr.contains("HTTP 403"), "\(viewer.stderr)")

        let paused = try partners(["pause", "henan-tongbai", "--reason", "桐柏 maintenance 22:00–02:00"])
        #expect(paused.status == 0, "\(paused.stderr)")
        #expect(paused.text.hasPrefix("henan-tongbai paused since "), "\(paused.text)")
        #expect(paused.text.hasSuffix(" by duty: 桐柏 maintenance 22:00–02:00; 0 transfers waiting\n"), "\(paused.text)")
        let twice = try partners(["pause", "henan-tongbai", "--reason", "again"])
        #expect(twice.status == 2 && twice.stderr.contains("already paused"), "\(twice.stderr)")

        // A restart keeps the pause.
        server.stop()
        server = try Server(config: config, log: directory.appendingPathComponent("gateway-2.log"))
        let during = try partners(["status"])
        #expect(during.status == 0, "\(during.stderr)")
        let tongbai = during.text.split(separator: "\n").first { $0.hasPrefix("henan-tongbai ") }
        #expect(tongbai?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first == "paused", "\(during.text)")
        #expect(during.text.contains("\nhenan-tongbai: paused since "), "\(during.text)")
        #expect(during.text.contains(" by duty: 桐柏 maintenance 22:00–02:00\n"), "\(during.text)")
        let json = try partners(["status", "--json"])
        #expect(try JSONParser.parse(json.stdout)["items"]?.arrayValue?.first?["pause"]?["by"]?.stringValue == "duty")

        let resumed = try partners(["resume", "henan-tongbai", "--reason", "桐柏 back at 01:40"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.text == "henan-tongbai resumed; 0 transfers waiting go out in queue order\n")

        let opened = try partners(["breaker", "open", "local", "--reason", "suixian's system restarts", "--for", "10m"])
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.text.hasPrefix("local breaker open until "), "\(opened.text)")
        #expect(try partners(["status"]).text.contains("open by hand"))
        let reset = try partners(["breaker", "reset", "local", "--reason", "suixian is back"])
        #expect(reset.status == 0 && reset.text == "local breaker closed; 0 transfers waiting\n", "\(reset.text) \(reset.stderr)")
        let feed = try partners(["breaker", "open", "xiangshisuishen", "--reason", "hub"])
        #expect(feed.status == 2 && feed.stderr.contains("pause it instead"), "\(feed.stderr)")
        let unknown = try partners(["pause", "nowhere", "--reason", "x"])
        #expect(unknown.status == 2 && unknown.stderr.contains("HTTP 404"), "\(unknown.stderr)")
        server.stop()

        // Every change is in the message log, with the operator and the reason.
        let store = try SQLiteStore(path: directory.appendingPathComponent("data/tongban.sqlite").path, readers: 1)
        let actions = try await store.read { try $0.messageLog(after: 0, limit: 1000) }.filter { $0.direction == .action }
        await store.close()
        #expect(actions.map { $0.route ?? "" } == ["pause henan-tongbai", "resume henan-tongbai", "breaker open local", "breaker reset local"])
        #expect(actions.allSatisfy { $0.actor == "operator:duty" })
        #expect(actions.map { $0.reason ?? "" } == ["桐柏 maintenance 22:00–02:00", "桐柏 back at 01:40", "suixian's system restarts", "suixian is back"])
    }

    @Test func aChangeNeedsANameAndAReasonBeforeAnythingIsSent() throws {
        let cli = CommandLineTests()
        // Nothing listens here: a refusal must come from the command itself.
        let gateway = ["--gateway", "http://127.0.0.1:9"]
        let noReason = try cli.tongban(["partners", "pause", "henan-tongbai"] + gateway)
        #expect(noReason.status == 2 && noReason.stderr.contains("--reason"), "\(noReason.stderr)")
        let blank = try cli.tongban(["partners", "resume", "henan-tongbai", "--reason", "  "] + gateway)
        #expect(blank.status == 2 && blank.stderr.contains("--reason: say why"), "\(blank.stderr)")
        let badFor = try cli.tongban(["partners", "breaker", "open", "henan-tongbai", "--reason", "x", "--for", "half an hour"] + gateway)
        #expect(badFor.status == 2 && badFor.stderr.contains("--for half an hour"), "\(badFor.stderr)")
        let noName = try cli.tongban(["partners", "breaker", "reset", "--reason", "x"] + gateway)
        #expect(noName.status == 2, "\(noName.stderr)")
    }
}
