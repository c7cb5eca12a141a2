import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanStorage
import TongbanTesting

/// `storage.encryption`: how the configuration names the keys, what stops the gateway, a
/// window's case through the API on a sealed store, and keys put in force by a reload.
@Suite("Encryption at rest: configuration, intake and reload")
struct StorageEncryptionTests {
    /// A folder holding key files `k1.key` and `k2.key` made by `tongban keys generate`'s code.
    final class KeyFolder: Sendable {
        let path: String
        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-keys-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try StorageKey.generate(file: path + "/k1.key")
            try StorageKey.generate(file: path + "/k2.key")
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func yaml(current: String, _ ids: [String]) -> String {
            "storage:\n  encryption:\n    current: \(current)\n    keys:\n"
                + ids.map { "      - {id: \($0), file: \(path)/\($0).key}\n" }.joined()
        }
    }


    static func parse(_ text: String) throws -> GatewayConfiguration {
        try GatewayConfiguration.parse(text, file: "tongban.yaml", environment: [:])
    }

    static func sample() throws -> String {
        try String(contentsOf: Repository.root.appendingPathComponent("ops/config/tongban.yaml"), encoding: .utf8)
    }

    @Test("the sample configuration seals with a DEMO key kept in the repository")
    func sampleSealsWithTheDemoKey() throws {
        let configuration = try Self.parse(try Self.sample())
        let key = try #require(configuration.storageKeys.current)
        #expect(key.id == "demo-2026")
        #expect(key.file == "ops/config/demo-storage.key")
        let file = try String(contentsOf: Repository.root.appendingPathComponent(key.file), encoding: .utf8)
        #expect(file.hasPrefix("# DEMO storage key"))
        // Without the block the gateway stores in clear (and warns at start).
        let clear = Self.replacingEncryption(in: try Self.sample(), with: "")
        #expect(!clear.contains("encryption") && clear.contains("minFreeSpace: 1GiB"))
        #expect(try Self.parse(clear).storageKeys.current == nil)
    }

    @Test("a key that cannot be used stops the configuration, naming the key id, its file and the line", arguments: [
        ("{id: k1, file: DIR/absent.key}", "k1", "cannot read the key file DIR/absent.key (key 'k1'): No such file or directory"),
        ("{id: k1, file: DIR/short.key}", "k1", "the key file DIR/short.key (key 'k1') holds 16 bytes; a key is 32"),
        ("{id: k1, file: DIR/k1.key}", "k9", "the current key 'k9' is not among the keys listed (k1)"),
        ("{id: k1, file: DIR/k1.key}\n      - {id: k1, file: DIR/k2.key}", "k1", "key id 'k1' is listed twice"),
        ("{id: k1, file: DIR/k1.key}\n      - {id: k2, file: DIR/k1.key}", "k1", "keys 'k1' (DIR/k1.key) and 'k2' (DIR/k1.key) are the same key"),
        ("{id: \"k 1\", file: DIR/k1.key}", "k1", "'k 1' is not a key id"),
        ("{id: k1, fiel: DIR/k1.key}", "k1", "unknown key 'fiel'"),
    ] as [(String, String, String)])
    func unusableKeys(entry: String, current: String, expected: String) throws {
        let keys = try KeyFolder()
        try "AAECAwQFBgcICQoLDA0ODw==\n".write(toFile: keys.path + "/short.key", atomically: true, encoding: .utf8)
        let block = "  encryption:\n    current: \(current)\n    keys:\n      - \(entry.replacingOccurrences(of: "DIR", with: keys.path))\n"
        let error = #expect(throws: MappingError.self) { try Self.parse(Self.replacingEncryption(in: try Self.sample(), with: block)) }
        #expect(error?.message.contains(expected.replacingOccurrences(of: "DIR", with: keys.path)) == true, "\(String(describing: error))")
        #expect(error?.line != nil)
    }

    /// The sample with its `encryption:` block replaced by `block`.
    static func replacingEncryption(in sample: String, with block: String) -> String {
        var lines = sample.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("  encryption:") }) else { return sample }
        var end = start + 1
        while end < lines.count, lines[end].hasPrefix("    ") { end += 1 }
        lines.replaceSubrange(start..<end, with: block.components(separatedBy: "\n").filter { !$0.isEmpty })
        return lines.joined(separator: "\n")
    }

    @Test("the gateway warns at start when records would be stored in clear or a key file is readable by other users")
    func startWarnings() async throws {
        let keys = try KeyFolder()
        let data = keys.path + "/data"
        let sample = try Self.sample().replacingOccurrences(of: "dataDirectory: .tongban/data", with: "dataDirectory: \(data)")
        func warnings(_ text: String) async throws -> [String] {
            let captured = CapturedLog()
            let store = try Self.parse(text).openStore(logger: captured.logger)
            await store.close()
            return captured.all.filter { $0.level == .warning }.map(\.message)
        }
        #expect(try await warnings(Self.replacingEncryption(in: sample, with: ""))
                == ["storage.encryption is not configured: payloads, canonical cases and message bodies are stored in clear"])
        let sealed = Self.replacingEncryption(in: sample, with: keys.yaml(current: "k1", ["k1", "k2"]).replacingOccurrences(of: "storage:\n", with: ""))
        #expect(try await warnings(sealed) == [])
        #expect(chmod(keys.path + "/k2.key", 0o644) == 0)
        #expect(try await warnings(sealed) == ["a storage key file is readable by other users: chmod 600 it"])
    }

    @Test("a window's case is stored sealed and read back in full through the API")
    func intakeOnASealedStore() async throws {
        let keys = try KeyFolder()
        let harness = try await GatewayHarness(extraYAML: keys.yaml(current: "k1", ["k1"]))
        try await harness.application().test(.router) { client in
            let answer = try await client.send("/v1/cases", .post, body: CaseFixtures.sample.bytes)
            #expect(answer.status == .accepted)
            let id = try #require(answer.body.json["id"]?.stringValue)
            let view = try await client.send("/v1/cases/\(id)")
            #expect(view.body.json["case"]?["applicant"]?["idNumber"]?.stringValue == "429001198503120020")
            let payload = try #require(try await harness.transfers(of: id).first?.payload)
            #expect(payload.starts(with: Array(#"<?xml version="1.0" encoding="GB18030"?>"#.utf8)))
        }
        let census = try await harness.store.census()
        #expect(census.clearCount == 0)
        #expect(census.count(keyID: "k1") >= 3)  // the version, the transfer's payload, the log entry's body
        let database = try RawFileBytes.read([harness.store.path, harness.store.path + "-wal"])
        #expect(database.count > 4096)
        for value in ["429001198503120020", "13907220001", "王建国", "湖北省随州市随县厉山镇神农大道8号"] {
            #expect(database.firstRange(of: Array(value.utf8)) == nil, "\(value.prefix(3))… is in the database file in clear")
        }
    }

    @Test("a reload makes a new key current without a restart, and refuses a key id whose key changed")
    func reload() async throws {
        let keys = try KeyFolder()
        let harness = try await GatewayHarness(extraYAML: keys.yaml(current: "k1", ["k1"]))
        try await harness.application().test(.router) { client in
            #expect(try await client.send("/v1/cases", .post, body: CaseFixtures.sample.bytes).status == .accepted)
            let rotated = try Self.parse(harness.yaml.replacingOccurrences(of: keys.yaml(current: "k1", ["k1"]), with: keys.yaml(current: "k2", ["k1", "k2"])))
            #expect(harness.gateway.reloadStorageKeys(from: rotated) == .changed("storage.encryption (current 'k1' → current 'k2', also 'k1')"))
            let next = CaseFixtures.sample.setting("caseNumber", "SX2026112000002")
            #expect(try await client.send("/v1/cases", .post, body: next.bytes).status == .accepted)
            let census = try await harness.store.census()
            #expect(census.count(keyID: "k1") >= 3 && census.count(keyID: "k2") >= 3)
            #expect(harness.gateway.reloadStorageKeys(from: rotated) == .unchanged)

            // k1's file now holds another key: records sealed with the old one would not open.
            try FileManager.default.removeItem(atPath: keys.path + "/k1.key")
            try StorageKey.generate(file: keys.path + "/k1.key")
            let swapped = try Self.parse(harness.yaml.replacingOccurrences(of: keys.yaml(current: "k1", ["k1"]), with: keys.yaml(current: "k2", ["k1", "k2"])))
            guard case .refused(let why) = harness.gateway.reloadStorageKeys(from: swapped) else {
                Issue.record("a changed key 'k1' was put in force")
                return
            }
            #expect(why.hasPrefix("key 'k1' in \(keys.path)/k1.key is not the key 'k1' the gateway runs with"))
            #expect(harness.store.keys.current?.id == "k2")
            #expect(try await client.send("/v1/cases?caseNumber=SX2026112000001").body.json["items"]?.arrayValue?.count == 1)
        }
    }
}
