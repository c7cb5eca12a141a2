import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TongbanCore
import TongbanStorage
import TongbanTesting

// Encryption at rest, end to end: the scenario of `PersonalDataInLogsTests` (cases to every
// partner, each partner's own case in, statuses both ways, refusals, a dead letter, retries, the
// message log with bodies) runs on the sample configuration, which seals with its DEMO key. Then,
// with the gateway still running, the database file and its WAL are read as raw bytes, as someone
// who copied them would, and no ID number, phone, name or address of those people may be in them,
// in UTF-8 or GB18030 (Tongbai's XML). The control: the same search over the plaintexts read back
// through the store with the key must find every one of them, so a value missed by the search
// (another encoding, an escape) fails the test instead of passing it.

@Suite(.serialized, .timeLimit(.minutes(3)))
struct EncryptionAtRestEndToEndTests {
    @Test func afterCasesFlowInEveryDirectionTheDatabaseFilesHoldNoPersonalDataAndEveryValueNamesTheKey() async throws {
        let env = try await EndToEnd.start(simulatorFlags: ["--inbound", "1"])
        let evidence = Shared(Evidence())
        do {
            try await PersonalDataInLogsTests.scenario(env, evidence)
        } catch {
            let diagnosis = env.diagnosis()
            await Task { await env.shutdown(removingFiles: false) }.value
            throw EndToEndError("\(error)\n\(diagnosis)")
        }
        let secrets = Secret.unique(evidence.withLock { $0.secrets })
        #expect(secrets.count >= 20, "only \(secrets.count) personal values collected")
        let data = env.directory.appendingPathComponent("data/tongban.sqlite").path

        // 1. The raw files, read while the gateway runs.
        var raw: [UInt8] = []
        for file in [data, data + "-wal"] where FileManager.default.fileExists(atPath: file) {
            raw += try Array(Data(contentsOf: URL(fileURLWithPath: file)))
        }
        #expect(raw.count > 100_000, "the database files hold only \(raw.count) bytes")
        let found = secrets.filter { $0.occurs(inBytes: raw) }
        let shown = found.map { "the \($0.kind.rawValue) of \($0.owner) (\($0.masked))" }.joined(separator: "; ")
        // Counts, not the values: a failure shows them masked only.
        #expect(found.count == 0, "in the database files in clear: \(shown)")

        // 2. The control, and every value sealed with the key: read through the store with it.
        let keys = try StorageKeyring(current: "demo-2026",
                                      keys: [StorageKey.read(id: "demo-2026", file: Repository.root.appendingPathComponent("ops/config/demo-storage.key").path)])
        let store = try SQLiteStore(path: data, readers: 1, keys: keys)
        let plaintext = try await Self.everyPlaintext(store)
        let census = try await store.census()
        await store.close()
        let unseen = secrets.filter { !$0.occurs(inBytes: plaintext) }
        let missed = unseen.map { "the \($0.kind.rawValue) of \($0.owner)" }.joined(separator: "; ")
        #expect(unseen.count == 0, "the control search does not find: \(missed)")
        #expect(census.clearCount == 0 && census.unreadableCount == 0, "\(census)")
        #expect(census.sealed.keys.sorted() == ["demo-2026"])
        for column in SealedColumn.allCases where column != .transferLastError {
            #expect((census.sealed["demo-2026"]?[column] ?? 0) > 0, "no \(column.rawValue) sealed")
        }

        // 3. The operator's view: the command line reads the same (keys from the configuration).
        let status = try ReplayCommandTests.tongban(["keys", "status", "--config", env.configFile.path])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("key 'demo-2026' (current): \(census.count(keyID: "demo-2026")) values"))
        #expect(!status.stdout.contains("in clear"))
        let verified = try ReplayCommandTests.tongban(["log", "verify", "--config", env.configFile.path])
        #expect(verified.status == 0, "\(verified.stderr)")
        let keyless = try ReplayCommandTests.tongban(["log", "verify", "--data-directory", env.directory.appendingPathComponent("data").path])
        #expect(keyless.status == 2)
        #expect(keyless.stderr.contains("sealed with key 'demo-2026', which is not configured"))
        #expect(keyless.stderr.contains("--data-directory reads no key: pass --config"))

        await Task { await env.shutdown(removingFiles: true) }.value
    }

    /// Every sealed value the store holds, opened: canonical cases, statuses, payloads, last
    /// errors, attempts' answers and message bodies, concatenated.
    static func everyPlaintext(_ store: SQLiteStore) async throws -> [UInt8] {
        try await store.read { reader in
            var bytes: [UInt8] = []
            var after: Int64?
            while true {
                let page = try reader.cases(matching: CaseFilter(), after: after, limit: 500)
                for record in page {
                    for version in try reader.versions(caseID: record.id) { bytes += version.canonical }
                    for status in try reader.statuses(caseID: record.id) { bytes += status.canonical }
                    for transfer in try reader.transfers(caseID: record.id) {
                        bytes += transfer.payload + Array((transfer.lastError ?? "").utf8)
                        for attempt in try reader.attempts(transferID: transfer.id) { bytes += Array((attempt.detail ?? "").utf8) }
                    }
                }
                guard let last = page.last, page.count == 500 else { break }
                after = last.seq
            }
            var seq: Int64 = 0
            while true {
                let entries = try reader.messageLog(after: seq, limit: 1000)
                for entry in entries { bytes += entry.body ?? [] }
                guard let last = entries.last else { break }
                seq = last.seq
            }
            return bytes
        }
    }
}

extension Secret {
    /// Whether `bytes` hold the value in UTF-8 or in GB18030 (ID numbers with either `x` or `X`,
    /// which are ASCII and the same in both).
    func occurs(inBytes bytes: [UInt8]) -> Bool {
        var forms = [value]
        if kind == .idNumber { forms = [value.uppercased(), value.lowercased()] }
        var encodings = forms.map { Array($0.utf8) }
        if let gb = Self.gb18030(value), gb != Array(value.utf8) { encodings.append(gb) }
        return encodings.contains { bytes.firstRange(of: $0) != nil }
    }

    /// `text` in GB18030 (glibc's iconv, as Tongbai's messages are written); nil if it cannot be.
    static func gb18030(_ text: String) -> [UInt8]? {
        guard let converter = iconv_open("GB18030", "UTF-8"), converter != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = Array(text.utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count * 2 + 8)
        var inputLeft = input.count, outputLeft = output.count
        let converted = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                var from = source.baseAddress, to = target.baseAddress
                return iconv(converter, &from, &inputLeft, &to, &outputLeft)
            }
        }
        guard converted != -1, inputLeft == 0 else { return nil }
        return output.prefix(output.count - outputLeft).map { UInt8(bitPattern: $0) }
    }
}
