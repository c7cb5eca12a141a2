import Foundation
import Synchronization
import Testing
import TongbanTesting
@testable import TongbanStorage

/// Sealed columns (docs/security.md, "Encryption at rest"): what reaches the file, what a reader
/// gets back, and each way a sealed value can fail to open.
@Suite struct EncryptionAtRestTests {
    static let k1 = try! StorageKey(id: "k1", bytes: Array(repeating: 0x11, count: 32), file: "k1.key")
    static let k2 = try! StorageKey(id: "k2", bytes: Array(repeating: 0x22, count: 32), file: "k2.key")
    static let sealedWithK1 = try! StorageKeyring(current: "k1", keys: [k1])
    static let rotatingToK2 = try! StorageKeyring(current: "k2", keys: [k1, k2])
    static let onlyK2 = try! StorageKeyring(current: "k2", keys: [k2])

    /// A person's data, written into every sealed column by `writeEveryKind`.
    static let name = "王建国"
    static let idNumber = "42900119850312002X"
    static let phone = "13912345601"
    static let address = "湖北省随州市随县厉山镇神农大道8号"
    static var people: [String] { [name, idNumber, phone, address] }
    static var personJSON: String {
        "{\"applicant\":{\"name\":\"\(name)\",\"idNumber\":\"\(idNumber)\",\"phone\":\"\(phone)\",\"address\":\"\(address)\"}}"
    }

    /// A store on a fresh file with `keys`, migrated; `body` gets the store and the file's path.
    func withKeyedStore(_ keys: StorageKeyring, _ body: (SQLiteStore, String) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/tongban.sqlite"
            let store = try SQLiteStore(path: path, keys: keys)
            _ = try await store.migrate()
            do { try await body(store, path) } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }

    /// One record of every kind that has a sealed column, each holding the person: case `id`
    /// with its version, a status, a transfer (payload and last error), an attempt, a partner's
    /// message with its answer and a message log entry with its body. Answers the transfer.
    @discardableResult
    static func writeEveryKind(_ store: SQLiteStore, case id: String) async throws -> TransferRecord {
        let person = Array(personJSON.utf8)
        return try await store.write { writer in
            _ = try writer.insertCase(
                CaseRecord(id: id, direction: .outbound, origin: "window-a", partner: "tax", caseNumber: "N-\(id)", version: 1,
                           matterCode: "M01", createdAt: 1_000, updatedAt: 1_000),
                firstVersion: CaseVersionRecord(caseID: id, version: 1, digest: MessageLogEntry.digest(person), canonical: person, createdAt: 1_000))
            _ = try writer.insertStatus(StatusRecord(caseID: id, status: "accepted", partnerCode: "02", at: 2_000, receivedAt: 2_000,
                                                     source: .partner, outcome: .applied, canonical: person))
            let transfer = try writer.insertTransfer(TransferRecord(
                caseID: id, destination: "tax", kind: .case, messageID: "M-\(id)", payload: Array("<SQR>\(name) \(idNumber)</SQR>".utf8),
                contentType: "application/xml", nextAttemptAt: 1_000, createdAt: 1_000,
                lastError: "JG=1 申请人\(name)证件号码\(idNumber)已有在办件"))
            try writer.insertAttempt(AttemptRecord(transferID: transfer.id, number: 1, startedAt: 1_000, durationMillis: 5, outcome: .retry,
                                                   httpStatus: 200, partnerCode: "1", detail: "电话 \(phone) 地址 \(address)"))
            try writer.insertInboundMessage(InboundMessageRecord(partner: "tax", messageID: "IN-\(id)", caseID: id,
                                                                 answer: Array("{\"echo\":\"\(idNumber)\"}".utf8), receivedAt: 1_000))
            _ = try writer.appendLog(MessageLogDraft(at: 1_000, direction: .inbound, party: "window-a", route: "POST /v1/cases", caseID: id,
                                                     body: person, httpStatus: 202, actor: "local:window-a"))
            return transfer
        }
    }

    /// Every record `writeEveryKind` wrote for case `id`, read back through the store.
    struct Everything: Equatable {
        var canonical: [UInt8]?
        var status: [UInt8]?
        var payload: [UInt8]?
        var lastError: String?
        var detail: String?
        var answer: [UInt8]?
        var body: [UInt8]?
    }

    static func readEverything(_ store: SQLiteStore, case id: String) async throws -> Everything {
        try await store.read { reader in
            let transfer = try reader.transfers(caseID: id).first
            return Everything(
                canonical: try reader.version(caseID: id, version: 1)?.canonical,
                status: try reader.statuses(caseID: id).first?.canonical,
                payload: transfer?.payload, lastError: transfer?.lastError,
                detail: try transfer.flatMap { try reader.attempts(transferID: $0.id).first?.detail },
                answer: try reader.inboundMessage(partner: "tax", messageID: "IN-\(id)")?.answer,
                body: try reader.messageLog(caseID: id).first?.body)
        }
    }

    static func expected(case id: String) -> Everything {
        Everything(canonical: Array(personJSON.utf8), status: Array(personJSON.utf8), payload: Array("<SQR>\(name) \(idNumber)</SQR>".utf8),
                   lastError: "JG=1 申请人\(name)证件号码\(idNumber)已有在办件", detail: "电话 \(phone) 地址 \(address)",
                   answer: Array("{\"echo\":\"\(idNumber)\"}".utf8), body: Array(personJSON.utf8))
    }


    /// The people's values found in the database file and its WAL, as raw bytes.
    static func peopleInFiles(_ path: String) throws -> [String] {
        let bytes = try RawFileBytes.read([path, path + "-wal"])
        #expect(bytes.count > 4096, "nothing read from \(path)")
        return people.filter { bytes.firstRange(of: Array($0.utf8)) != nil }
    }

    /// Changes the file behind the store's back, as someone with access to it could.
    static func tamper(_ store: SQLiteStore, _ sql: String,
                       _ arguments: @escaping @Sendable () -> SQLiteConnection.Arguments = { [] }) async throws {
        try await store.onWriterConnection { db in _ = try db.execute(sql, arguments()) }
    }

    static func rawValue(_ store: SQLiteStore, _ sql: String) async throws -> [UInt8] {
        try await store.onReader { reader in try reader.db.queryFirst(sql) { $0.blob(0) } ?? [] }
    }

    // MARK: Sealing

    @Test func everySealedColumnReadsBackWhileTheFileAndItsWALHoldNoneOfThePeoplesData() async throws {
        try await withKeyedStore(Self.sealedWithK1) { store, path in
            try await Self.writeEveryKind(store, case: "c1")
            #expect(try await Self.readEverything(store, case: "c1") == Self.expected(case: "c1"))
            #expect(try Self.peopleInFiles(path) == [])

            let census = try await store.census()
            #expect(census.clearCount == 0 && census.unreadableCount == 0)
            #expect(census.sealed["k1"] == Dictionary(uniqueKeysWithValues: SealedColumn.allCases.map { ($0, 1) }))
            // The key id is in every value's header, in clear.
            let payload = try await Self.rawValue(store, "SELECT payload FROM transfers")
            #expect(payload.starts(with: SealedValue.magic + [1, 2] + Array("k1".utf8)))
        }
    }

    @Test func withoutKeysTheSameRecordsAreInClearInTheFile() async throws {
        // The control for the test above: the search finds the people when nothing is sealed.
        try await withKeyedStore(.none) { store, path in
            try await Self.writeEveryKind(store, case: "c1")
            #expect(try await Self.readEverything(store, case: "c1") == Self.expected(case: "c1"))
            #expect(try Self.peopleInFiles(path) == Self.people)
            #expect(try await store.census().clearCount == SealedColumn.allCases.count)
        }
    }

    @Test func duplicateDetectionAndTheLogChainStillCompareThePlaintext() async throws {
        try await withKeyedStore(Self.sealedWithK1) { store, _ in
            try await Self.writeEveryKind(store, case: "c1")
            let version = try #require(try await store.read { try $0.version(caseID: "c1", version: 1) })
            #expect(version.digest == MessageLogEntry.digest(Array(Self.personJSON.utf8)))
            let entry = try #require(try await store.read { try $0.messageLog(caseID: "c1").first })
            #expect(entry.bodyDigest == MessageLogEntry.digest(Array(Self.personJSON.utf8)))
            #expect(try await MessageLogVerifier.verify(store).problem == nil)
        }
    }

    @Test func aValueInClearThatBeginsLikeASealedOneReadsBackUnchanged() async throws {
        // A hostile body logged as received must not pass for a sealed value, sealed or not.
        let hostile = SealedValue.magic + [1, 2] + Array("k1".utf8) + Array(repeating: 0x41, count: 40)
        for keys in [StorageKeyring.none, Self.sealedWithK1] {
            try await withKeyedStore(keys) { store, _ in
                let entry = try await store.write { try $0.appendLog(MessageLogDraft(at: 1, direction: .inbound, party: "p", body: hostile, actor: "partner:p")) }
                #expect(try await store.read { try $0.messageLog(after: 0, limit: 1) }.first?.body == hostile)
                #expect(entry.bodyDigest == MessageLogEntry.digest(hostile))
                #expect(try await MessageLogVerifier.verify(store).problem == nil)
            }
        }
    }

    // MARK: Failing to open

    @Test func aRecordSealedWithAKeyNotConfiguredIsAnErrorNamingTheRecordAndTheKey() async throws {
        try await withKeyedStore(Self.sealedWithK1) { store, _ in
            try await Self.writeEveryKind(store, case: "c1")
            store.useKeys(Self.onlyK2)
            let error = await #expect(throws: SealedRecordError.self) { try await store.read { try $0.version(caseID: "c1", version: 1) } }
            #expect(error?.problem == .keyNotConfigured(keyID: "k1"))
            #expect(error?.description == "case c1 version 1, case_versions.canonical: sealed with key 'k1', which is not configured: "
                    + "list it under storage.encryption.keys with its file")
            let noKeys = await #expect(throws: SealedRecordError.self) {
                store.useKeys(.none)
                return try await store.read { try $0.transfers(caseID: "c1") }
            }
            #expect(noKeys?.problem == .keyNotConfigured(keyID: "k1"))
            #expect(noKeys?.record == "transfer 1 (message M-c1 to tax), transfers.payload")
        }
    }

    @Test func anAlteredValueFailsAuthenticationNamingTheRecord() async throws {
        try await withKeyedStore(Self.sealedWithK1) { store, _ in
            let transfer = try await Self.writeEveryKind(store, case: "c1")
            var payload = try await Self.rawValue(store, "SELECT payload FROM transfers")
            payload[payload.count - 20] ^= 0x01
            try await Self.tamper(store, "UPDATE transfers SET payload = ? WHERE id = ?") { [payload] in [payload, transfer.id] }
            let error = await #expect(throws: SealedRecordError.self) { try await store.read { try $0.transfer(id: transfer.id) } }
            #expect(error?.problem == .failedAuthentication(keyID: "k1"))
            #expect(error?.description == "transfer 1 (message M-c1 to tax), transfers.payload: does not open with key 'k1' "
                    + "(authentication failed): it was altered, or copied from another record")

            // Cut short: its header promises more than is there.
            try await Self.tamper(store, "UPDATE attempts SET detail = substr(detail, 1, 10)")
            let cut = await #expect(throws: SealedRecordError.self) { try await store.read { try $0.attempts(transferID: transfer.id) } }
            #expect(cut?.problem == .unreadable("its header is cut short"))
            #expect(cut?.record == "attempt 1 of transfer 1, attempts.detail")
        }
    }

    @Test func aValueCopiedIntoAnotherRecordDoesNotOpenThere() async throws {
        try await withKeyedStore(Self.sealedWithK1) { store, _ in
            try await Self.writeEveryKind(store, case: "c1")
            try await Self.writeEveryKind(store, case: "c2")
            try await Self.tamper(store, """
                UPDATE case_versions SET canonical = (SELECT canonical FROM case_versions WHERE case_id = 'c1') WHERE case_id = 'c2'
                """)
            try await Self.tamper(store, "UPDATE message_log SET body = (SELECT body FROM message_log WHERE seq = 1) WHERE seq = 2")
            #expect(try await Self.readEverything(store, case: "c1") == Self.expected(case: "c1"))
            let version = await #expect(throws: SealedRecordError.self) { try await store.read { try $0.version(caseID: "c2", version: 1) } }
            #expect(version?.problem == .failedAuthentication(keyID: "k1"))
            #expect(version?.record == "case c2 version 1, case_versions.canonical")
            let log = await #expect(throws: SealedRecordError.self) { try await MessageLogVerifier.verify(store) }
            #expect(log?.record == "message log entry 2, message_log.body")
        }
    }

    // MARK: Rotation

    @Test func rowsWrittenInClearAreReadWithKeysAndSealedByTheRotationWhichLeavesNoneOfTheirBytes() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/tongban.sqlite"
            let before = try SQLiteStore(path: path)
            _ = try await before.migrate()
            for index in 1...30 { try await Self.writeEveryKind(before, case: "c\(index)") }
            await before.close()

            let store = try SQLiteStore(path: path, keys: Self.sealedWithK1)
            #expect(try await Self.readEverything(store, case: "c7") == Self.expected(case: "c7"))
            #expect(try await store.census().clearCount == 30 * SealedColumn.allCases.count)
            // New records are sealed beside the old ones in clear.
            try await Self.writeEveryKind(store, case: "new")
            #expect(try await store.census().count(keyID: "k1") == SealedColumn.allCases.count)

            let reports = Shared<[ResealProgress]>([])
            let census = try await store.reseal(batchSize: 7) { progress in reports.withLock { $0.append(progress) } }
            #expect(census.notUnder("k1") == 0)
            #expect(census.count(keyID: "k1") == 31 * SealedColumn.allCases.count)
            let last = Dictionary(reports.withLock { $0 }.map { ($0.table, $0) }, uniquingKeysWith: { $1 })
            #expect(last["case_versions"] == ResealProgress(table: "case_versions", checked: 31, total: 31, resealed: 30, finished: true))
            #expect(last["transfers"] == ResealProgress(table: "transfers", checked: 31, total: 31, resealed: 60, finished: true))
            #expect(reports.withLock { $0 }.filter { $0.table == "message_log" }.map(\.checked) == [7, 14, 21, 28, 31])
            #expect(reports.withLock { $0 }.filter(\.finished).map(\.table) == SealedTable.all.map(\.name))
            for index in [1, 15, 30] {
                #expect(try await Self.readEverything(store, case: "c\(index)") == Self.expected(case: "c\(index)"))
            }
            #expect(try await MessageLogVerifier.verify(store).problem == nil)
            // The old bytes are gone from the file and the WAL, not just unreferenced.
            #expect(try Self.peopleInFiles(path) == [])

            let again = Shared<Int>(0)
            _ = try await store.reseal { progress in again.withLock { $0 += progress.resealed } }
            #expect(again.withLock { $0 } == 0)
            await store.close()
            #expect(try Self.peopleInFiles(path) == [])
        }
    }

    @Test func aRotationSealsEverythingWithTheNewKeyAfterWhichTheOldOneCanBeDropped() async throws {
        try await withKeyedStore(Self.sealedWithK1) { store, _ in
            for index in 1...5 { try await Self.writeEveryKind(store, case: "old\(index)") }
            store.useKeys(Self.rotatingToK2)
            for index in 1...3 { try await Self.writeEveryKind(store, case: "new\(index)") }
            let mixed = try await store.census()
            #expect(mixed.count(keyID: "k1") == 5 * SealedColumn.allCases.count)
            #expect(mixed.count(keyID: "k2") == 3 * SealedColumn.allCases.count)
            #expect(try await Self.readEverything(store, case: "old2") == Self.expected(case: "old2"))

            let census = try await store.reseal()
            #expect(census.count(keyID: "k1") == 0 && census.count(keyID: "k2") == 8 * SealedColumn.allCases.count)
            store.useKeys(Self.onlyK2)
            for id in ["old1", "old5", "new3"] { #expect(try await Self.readEverything(store, case: id) == Self.expected(case: id)) }
            #expect(try await MessageLogVerifier.verify(store).problem == nil)
        }
    }

    @Test func aRotationFromAnotherConnectionRunsWhileTheGatewayKeepsWriting() async throws {
        try await withKeyedStore(Self.sealedWithK1) { gateway, path in
            for index in 1...200 { try await Self.writeEveryKind(gateway, case: "before\(index)") }
            gateway.useKeys(Self.rotatingToK2)
            // The command runs in a process of its own: a second store on the same file.
            let command = try SQLiteStore(path: path, readers: 1, keys: Self.rotatingToK2)
            async let rotation = command.reseal(batchSize: 20, pause: .milliseconds(1))
            var written = 0
            for index in 1...100 {
                try await Self.writeEveryKind(gateway, case: "during\(index)")
                written += 1
            }
            let census = try await rotation
            await command.close()
            #expect(written == 100)
            let after = try await gateway.census()
            #expect(after.notUnder("k2") == 0, "\(after)")
            #expect(after.count(keyID: "k2") == 300 * SealedColumn.allCases.count)
            #expect(census.count(keyID: "k1") == 0)
            gateway.useKeys(Self.onlyK2)
            #expect(try await Self.readEverything(gateway, case: "before100") == Self.expected(case: "before100"))
            #expect(try await Self.readEverything(gateway, case: "during50") == Self.expected(case: "during50"))
        }
    }

    @Test func aRotationStopsAtAValueThatDoesNotOpenAndKeepsTheBatchesBefore() async throws {
        try await withKeyedStore(Self.sealedWithK1) { store, _ in
            for index in 1...10 { try await Self.writeEveryKind(store, case: "c\(index)") }
            try await Self.tamper(store, """
                UPDATE statuses SET canonical = substr(canonical, 1, length(canonical) - 1)
                    || (CASE WHEN substr(canonical, -1) = X'00' THEN X'01' ELSE X'00' END) WHERE case_id = 'c6'
                """)
            store.useKeys(Self.rotatingToK2)
            let error = await #expect(throws: SealedRecordError.self) { try await store.reseal(batchSize: 2) }
            #expect(error?.record == "status 6 of case c6, statuses.canonical")
            let census = try await store.census()
            #expect(census.sealed["k2"]?[.caseCanonical] == 10)
            #expect(census.sealed["k2"]?[.statusCanonical] == 4)
        }
    }

    @Test func rotatingWithoutACurrentKeyIsRefused() async throws {
        try await withKeyedStore(.none) { store, _ in
            let error = await #expect(throws: ResealError.self) { try await store.reseal() }
            #expect(error?.description.contains("configure storage.encryption") == true)
        }
    }

    // MARK: Dead letters and the schema

    @Test func theErrorClassFilterWorksOnSealedLastErrorsAndTheMigrationClassifiesOlderRows() async throws {
        try await withKeyedStore(Self.sealedWithK1) { store, _ in
            try await store.insertSampleCase(Sample.caseRecord("c1"))
            var exhausted = Sample.transfer("c1", messageID: "A", state: .dead)
            exhausted.lastError = "\(TransferRecord.exhaustedPrefix)12 attempts: HTTP 503"
            var refused = Sample.transfer("c1", messageID: "B", state: .dead)
            refused.lastError = "JG=1 \(Self.idNumber) 格式错误"
            let stored = try await store.insertTransfers([exhausted, refused])
            func deadLetters(_ errorClass: DeadLetterFilter.ErrorClass) async throws -> [String] {
                try await store.read { try $0.deadLetters(matching: DeadLetterFilter(errorClass: errorClass), after: nil, limit: 10) }.map(\.messageID)
            }
            #expect(try await deadLetters(.exhausted) == ["A"])
            #expect(try await deadLetters(.permanent) == ["B"])

            // A database from before 0016 has its last errors in clear and no column yet.
            try await Self.tamper(store, "ALTER TABLE transfers DROP COLUMN exhausted")
            try await Self.tamper(store, "DELETE FROM schema_migrations WHERE name = '0016-transfers-exhausted'")
            let oldError = exhausted.lastError!, ids = stored.map(\.id)
            try await Self.tamper(store, "UPDATE transfers SET last_error = ? WHERE id = ?") { [oldError, ids[0]] }
            try await Self.tamper(store, "UPDATE transfers SET last_error = 'JG=2' WHERE id = ?") { [ids[1]] }
            #expect(try await store.migrate() == ["0016-transfers-exhausted"])
            #expect(try await deadLetters(.exhausted) == ["A"])
            #expect(try await deadLetters(.permanent) == ["B"])
        }
    }

    // MARK: Keys

    @Test func generatedKeyFilesAreOwnerOnlyRandomAndNeverOverwritten() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = directory + "/a.key", second = directory + "/b.key"
        try StorageKey.generate(file: first)
        try StorageKey.generate(file: second)
        let attributes = try FileManager.default.attributesOfItem(atPath: first)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let a = try StorageKey.read(id: "a", file: first), b = try StorageKey.read(id: "b", file: second)
        #expect(!a.sameKey(as: b))
        #expect(a.material.count == 32)

        let before = try Data(contentsOf: URL(fileURLWithPath: first))
        let error = #expect(throws: StorageKeyError.self) { try StorageKey.generate(file: first) }
        #expect(error?.description.contains("already exists") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == before)
    }

    @Test("a key file that cannot be used is an error naming the key id and the file", arguments: [
        ("missing", nil, "cannot read the key file DIR/missing (key 'k9'): No such file or directory"),
        ("short", "# a comment\nAAECAwQFBgcICQoLDA0ODw==\n", "the key file DIR/short (key 'k9') holds 16 bytes; a key is 32"),
        ("garbage", "not base64 at all\n", "the key file DIR/garbage (key 'k9') does not hold a key"),
        ("twolines", "AAECAwQFBgcICQoLDA0ODw==\nAAECAwQFBgcICQoLDA0ODw==\n", "the key file DIR/twolines (key 'k9') does not hold a key"),
    ] as [(String, String?, String)])
    func unusableKeyFiles(name: String, content: String?, expected: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        if let content { try content.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        let error = #expect(throws: StorageKeyError.self) { try StorageKey.read(id: "k9", file: directory + "/" + name) }
        #expect(error?.description.hasPrefix(expected.replacingOccurrences(of: "DIR", with: directory)) == true, "\(String(describing: error))")
    }

    @Test func keyringsRefuseAmbiguousKeys() throws {
        let copy = try StorageKey(id: "k3", bytes: Self.k1.material, file: "copy.key")
        #expect(throws: StorageKeyError.self) { try StorageKeyring(current: "k1", keys: [Self.k1, Self.k1]) }
        let twin = #expect(throws: StorageKeyError.self) { try StorageKeyring(current: "k1", keys: [Self.k1, copy]) }
        #expect(twin?.description.contains("are the same key") == true)
        let absent = #expect(throws: StorageKeyError.self) { try StorageKeyring(current: "k5", keys: [Self.k1, Self.k2]) }
        #expect(absent?.description == "the current key 'k5' is not among the keys listed (k1, k2)")
        #expect(throws: StorageKeyError.self) { try StorageKey(id: "bad id", bytes: Self.k1.material, file: "x") }
        #expect(Self.rotatingToK2.summary == "current 'k2', also 'k1'")
    }
}

/// A value a progress callback changes and the test reads.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}
