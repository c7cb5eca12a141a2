import Foundation
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanTesting

@Suite("Gateway configuration")
struct ConfigurationTests {
    static let sample = Repository.root.appendingPathComponent("ops/config/tongban.yaml")

    static func sampleText() throws -> String { try String(contentsOf: sample, encoding: .utf8) }

    static func error(_ text: String, environment: [String: String] = [:]) -> MappingError? {
        do {
            _ = try GatewayConfiguration.parse(text, file: "tongban.yaml", environment: environment)
            return nil
        } catch {
            return error
        }
    }

    @Test("the sample configuration loads with its three partners and demo secrets")
    func sampleLoads() throws {
        let configuration = try GatewayConfiguration.load(file: Self.sample)
        #expect(configuration.partners.map(\.name) == ["henan-tongbai", "hubei-zaoyang", "xiangshisuishen"])
        #expect(configuration.partners.map(\.wireProtocol) == [.kstb, .apas, .hub])
        #expect(configuration.partners[1].appSecret?.source == .demo)
        #expect(configuration.partners[1].pollInterval == .seconds(300))
        #expect(configuration.delivery.retry.maxAge == .seconds(72 * 3600))
        #expect("\(configuration.partners[1].appSecret!)" == "demo secret")
    }

    @Test("an unknown key is refused naming the key, the file and the line")
    func unknownKey() throws {
        let text = try Self.sampleText().replacingOccurrences(of: "  workers: 4 ", with: "  wokers: 4 ")
        let error = try #require(Self.error(text))
        #expect(error.file == "tongban.yaml")
        #expect(error.line != nil)
        #expect(error.message.contains("wokers"))
    }

    @Test("secrets come from files or the environment; a missing one stops the gateway naming it")
    func secrets() throws {
        let text = try Self.sampleText().replacingOccurrences(of: "{demo: demo-zaoyang-secret-for-suixian}", with: "{env: TONGBAN_ZAOYANG_SECRET}")
        #expect(Self.error(text)?.message.contains("TONGBAN_ZAOYANG_SECRET") == true)
        let configuration = try GatewayConfiguration.parse(text, file: "tongban.yaml", environment: ["TONGBAN_ZAOYANG_SECRET": "s3cret"])
        #expect(configuration.partners[1].appSecret?.bytes == Array("s3cret".utf8))
        #expect("\(configuration.partners[1].appSecret!)".contains("s3cret") == false)

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        try Data("from-file\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try GatewayConfiguration.parse(
            try Self.sampleText().replacingOccurrences(of: "{demo: demo-zaoyang-secret-for-suixian}", with: "{file: \(file.path)}"),
            file: "tongban.yaml", environment: [:])
        #expect(fromFile.partners[1].appSecret?.bytes == Array("from-file".utf8))
    }

    @Test("values that cannot work are refused", arguments: [
        ("pollInterval: 5m", "pollInterval: 1m", "pollInterval"),
        ("port: 8080", "port: 70000", "port"),
        ("sha256: 1c930a63", "sha256: 1C930A63", "SHA-256"),
        ("protocol: kstb", "protocol: soap", "unknown protocol"),
        ("retry: {base: 1s,", "retry: {base: 1 second,", "not a duration"),
        ("keepBodies: 30d", "keepBodies: 30m", "at least 1h"),
        ("keepBodies: 30d", "keepBodys: 30d", "keepBodys"),
        ("minFreeSpace: 1GiB", "minFreeSpace: 1GB", "not a size"),
        ("minFreeSpace: 1GiB", "minFreeSpace: -1GiB", "not a size"),
        ("minFreeSpace: 1GiB", "minFreeSpac: 1GiB", "minFreeSpac"),
    ])
    func badValues(original: String, replacement: String, expected: String) throws {
        let text = try Self.sampleText().replacingOccurrences(of: original, with: replacement)
        #expect(text != (try Self.sampleText()))
        #expect(Self.error(text)?.message.contains(expected) == true)
    }

    @Test("storage.minFreeSpace takes binary units, 0 turns the check off, and defaults to 1 GiB",
          arguments: [("1GiB", Int64(1) << 30), ("512MiB", 512 << 20), ("4096B", 4096), ("2TiB", 2 << 40), ("0", 0)])
    func minimumFreeSpace(value: String, bytes: Int64) throws {
        let text = try Self.sampleText().replacingOccurrences(of: "minFreeSpace: 1GiB", with: "minFreeSpace: \(value)")
        #expect(try GatewayConfiguration.parse(text, file: "tongban.yaml", environment: [:]).minimumFreeBytes == bytes)
        let without = try Self.sampleText().split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("minFreeSpace:") }.joined(separator: "\n")
        #expect(without != (try Self.sampleText()))
        #expect(try GatewayConfiguration.parse(without, file: "tongban.yaml", environment: [:]).minimumFreeBytes == 1 << 30)
    }

    @Test("a partner may allow faster polling than APAS's five minutes")
    func minimumPollInterval() throws {
        let text = try Self.sampleText().replacingOccurrences(of: "pollInterval: 5m", with: "pollInterval: 1s\n    minimumPollInterval: 1s")
        let configuration = try GatewayConfiguration.parse(text, file: "tongban.yaml", environment: [:])
        #expect(configuration.partners[1].pollInterval == .seconds(1))
    }

    @Test("the pacer spaces requests a tenth below the partner's rate")
    func pacer() async {
        let pacer = RequestPacer(requestsPerSecond: 20)
        let start = ContinuousClock.now
        for _ in 0..<5 { await pacer.wait() }
        // Four slots of 55 ms after the first (50 ms at the limit, plus the margin for requests
        // that arrive late): never faster, however loaded the machine.
        #expect(ContinuousClock.now - start >= .milliseconds(220))
    }
}
