import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanHTTPClient
import TongbanPartners
@testable import TongbanStorage
import TongbanTesting

/// docs/operations.md, "Disk filling": the free-space guard refuses new work and lets the backlog
/// drain, and a really full disk (SQLite's `SQLITE_FULL`, made here with `max_page_count`) is a
/// clean 503 with nothing half-stored, after which the gateway works again.
@Suite("Disk filling")
struct DiskFillingTests {
    static let storage = "storage: {minFreeSpace: 1GiB}"
    static let nearlyFull = StorageGuard.Reading(freeBytes: 100 << 20, databaseBytes: 40 << 20)
    static let roomy = StorageGuard.Reading(freeBytes: 8 << 30, databaseBytes: 40 << 20)

    static func caseBody(_ number: Int) -> [UInt8] {
        CaseFixtures.sample.setting("caseNumber", .string("SX20261120\(String(format: "%05d", number))")).bytes
    }

    /// A 503 problem with `Retry-After` that says nothing was stored, and no engine text.
    static func expectRefused(_ answer: (status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8]),
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.status == .serviceUnavailable, sourceLocation: sourceLocation)
        #expect(answer.headers[.retryAfter] == "60", sourceLocation: sourceLocation)
        #expect(answer.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let detail = answer.body.json["detail"]?.stringValue ?? ""
        #expect(detail.contains("nothing was stored"), "\(detail)", sourceLocation: sourceLocation)
        #expect(!answer.body.text.contains("disk is full\""), sourceLocation: sourceLocation)
        #expect(!answer.body.text.lowercased().contains("sqlite"), sourceLocation: sourceLocation)
        #expect(!answer.body.text.contains("database or disk"), sourceLocation: sourceLocation)
    }

    @Test("below minFreeSpace the windows' POSTs are 503 and store nothing, reads and deliveries go on, ready names the reason; with room again all is taken")
    func guardRefusesWindows() async throws {
        let harness = try await GatewayHarness(extraYAML: Self.storage)
        guard case .accepted(let before, _) = try await harness.gateway.submit(Self.caseBody(1)) else { throw CancellationError() }
        #expect(harness.gateway.storageGuard.record(Self.nearlyFull) == .started)
        try await harness.application().test(.router) { client in
            Self.expectRefused(try await client.send("/v1/cases", .post, body: Self.caseBody(2)))
            Self.expectRefused(try await client.send("/v1/cases/\(before.id)/supplements", .post,
                                                     body: CaseFixtures.sample.setting("caseNumber", "SX2026112000001").setting("version", 2).bytes))
            Self.expectRefused(try await client.send("/v1/cases/\(before.id)/withdraw", .post, body: Array(#"{"reason": "applicant withdrew"}"#.utf8)))
            Self.expectRefused(try await client.send("/v1/cases/\(before.id)/status", .post, body: Array(#"{"status": "accepted"}"#.utf8)))
            // Without a key it is still 401: the guard sits behind authentication.
            #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(2), key: nil).status == .unauthorized)

            #expect(try await client.send("/v1/cases/\(before.id)").status == .ok)
            #expect(try await client.send("/v1/partners").status == .ok)
            #expect(try await client.send("/health/live").status == .ok)
            let ready = try await client.send("/health/ready", key: nil)
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.body.json["detail"]?.stringValue?.contains("nearly full") == true)

            // The case queued before goes out and its attempt is recorded.
            let partner = ScriptedHTTPClient(fallback: { request in .success(DeliveryTests.receipt(request, .accepted)) })
            let service = DeliveryTests.service(harness, client: partner)
            let taken = try await service.claim(5, now: harness.clock.millis)
            #expect(taken.count == 1)
            for transfer in taken { await service.deliver(transfer) }
            #expect(try await harness.transfers(of: before.id).map(\.state) == [.delivered])
            #expect(try await harness.caseCount() == 1)

            #expect(harness.gateway.storageGuard.record(Self.roomy) == .ended)
            #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(2)).status == .accepted)
            #expect(try await client.send("/health/ready", key: nil).status == .ok)
        }
        #expect(try await harness.caseCount() == 2)
        // The refusals are in the message log with their answer: what the windows were told.
        let log = try await harness.store.read { reader in try reader.messageLog(after: 0, limit: 100) }
        #expect(log.filter { $0.httpStatus == 503 }.count == 4)
    }

    @Test("below minFreeSpace partners are told to resend their new messages their own way; repeats, polls, the feed and acknowledgements are answered")
    func guardAnswersPartners() async throws {
        let harness = try await GatewayHarness(extraYAML: Self.storage)
        guard case .accepted(let sent, _) = try await harness.gateway.submit(CaseFixtures.sample.bytes) else { throw CancellationError() }
        let hubCase = try await HubEndpointTests.submitted(harness)
        let zaoyangCase = try PartnerFixtures.contract("hubei-zaoyang/examples/inbound-case/01-zaoyang-resident-like-sample/input.json")
        let seen = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-000001", code: "02", at: "2026-11-20 10:00:00")
        let kstb = KSTBEndpointTests.path
        try await harness.application().test(.router) { client in
            // Before the shortage: one KSTB notice and one APAS case are taken.
            #expect(KSTBReceipt.parse(try await client.send(kstb, .post, body: seen, key: nil).body)?.result == .accepted)
            let first = try await client.send(APASEndpointTests.submit, .post, body: zaoyangCase, key: nil,
                                              headers: APASEndpointTests.signed(zaoyangCase, now: harness.clock.millis))
            let unid = try #require(first.body.json["data"]?["unid"]?.stringValue)
            let cases = try await harness.caseCount()

            harness.gateway.storageGuard.record(Self.nearlyFull)
            // KSTB: a new notice is JG=9 (busy, resend later); the one seen before is still JG=3.
            let fresh = PartnerFixtures.kstbStatus(messageNumber: "411330-ZT-000002", code: "05", at: "2026-11-20 15:00:00")
            let busy = try await client.send(kstb, .post, body: fresh, key: nil)
            #expect(busy.status == .ok)
            #expect(busy.headers[.retryAfter] == "60")
            let receipt = try #require(KSTBReceipt.parse(busy.body))
            #expect(receipt.result == .busy)
            #expect(receipt.messageNumber == "411330-ZT-000002")
            #expect(KSTBReceipt.parse(try await client.send(kstb, .post, body: seen, key: nil).body)?.result == .duplicate)

            // APAS: a new case is 5000 with HTTP 503; the projid seen before is 4003; polls go on.
            let other = zaoyangCase.json.setting("projid", "ZY-NEW-0001").bytes
            let refused = try await client.send(APASEndpointTests.submit, .post, body: other, key: nil,
                                                headers: APASEndpointTests.signed(other, now: harness.clock.millis))
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "60")
            #expect(refused.body.json["code"]?.integerValue == 5000)
            let again = try await client.send(APASEndpointTests.submit, .post, body: zaoyangCase, key: nil,
                                              headers: APASEndpointTests.signed(zaoyangCase, now: harness.clock.millis))
            #expect(again.body.json["code"]?.integerValue == 4003)
            let poll = try await client.send("/partners/hubei-zaoyang/api/v1/apas/\(unid)/status", key: nil,
                                             headers: APASEndpointTests.signed([], now: harness.clock.millis))
            #expect(poll.status == .ok)

            // The hub: each pushed item is answered retry: true; its feed and acknowledgements go on.
            let status = try PartnerFixtures.contract("xiangshisuishen/examples/inbound-status/02-accepted/input.json").json
            let batch = try await client.send("/partners/xiangshisuishen/statuses", .post, body: (["items": [status]] as JSONValue).bytes,
                                              key: GatewayHarness.hubToken)
            #expect(batch.status == .ok)
            let results = batch.body.json["results"]?.arrayValue ?? []
            #expect(results.map { $0["ok"] } == [.bool(false)])
            #expect(results.first?["retry"] == .bool(true))
            #expect(results.first?["msg_id"] == status["header"]?["msg_id"])
            let page = try await client.send("/partners/xiangshisuishen/feed", key: GatewayHarness.hubToken)
            let messageID = try #require(page.body.json["items"]?.arrayValue?.first?["header"]?["msg_id"]?.stringValue)
            let ack = try await client.send("/partners/xiangshisuishen/ack", .post, body: (["msg_ids": [.string(messageID)]] as JSONValue).bytes,
                                            key: GatewayHarness.hubToken)
            #expect(ack.body.json["results"]?.arrayValue?.first?["ok"] == .bool(true))
            #expect(try await harness.transfers(of: hubCase).map(\.state) == [.delivered])

            #expect(try await harness.caseCount() == cases)
            let statuses = try await harness.store.read { reader in try reader.statuses(caseID: sent.id) }
            #expect(statuses.count == 1)

            // Room again: the resent messages are taken.
            harness.gateway.storageGuard.record(Self.roomy)
            #expect(KSTBReceipt.parse(try await client.send(kstb, .post, body: fresh, key: nil).body)?.result == .accepted)
            let resent = try await client.send(APASEndpointTests.submit, .post, body: other, key: nil,
                                               headers: APASEndpointTests.signed(other, now: harness.clock.millis))
            #expect(resent.body.json["code"]?.integerValue == 0)
        }
    }

    @Test("a really full disk: the request is a 503 problem, nothing of it is stored, the log still verifies, and with room again it is taken")
    func sqliteFull() async throws {
        let harness = try await GatewayHarness()
        try await harness.application().test(.router) { client in
            #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(1)).status == .accepted)
            try await harness.store.limitGrowth(true)
            // Pages with room left take a few more rows; keep sending until the database must grow.
            var accepted = 1
            var refused: Int?
            for number in 2...60 where refused == nil {
                let answer = try await client.send("/v1/cases", .post, body: Self.caseBody(number))
                if answer.status == .accepted {
                    accepted += 1
                } else {
                    Self.expectRefused(answer)
                    #expect(answer.body.json["detail"]?.stringValue?.contains("could not be written") == true)
                    refused = number
                }
            }
            let number = try #require(refused, "the database never filled up")
            let caseNumber = "SX20261120\(String(format: "%05d", number))"
            // The refused case left nothing: no case, hence no version or transfer; every stored case is whole.
            let listed = try await client.send("/v1/cases?caseNumber=\(caseNumber)")
            #expect(listed.body.json["items"]?.arrayValue?.isEmpty == true)
            #expect(try await harness.caseCount() == accepted)
            let stored = try await harness.store.read { reader in try reader.cases(matching: CaseFilter(), after: nil, limit: 100) }
            for record in stored {
                #expect(try await harness.transfers(of: record.id).count == 1)
                #expect(try await harness.store.read { reader in try reader.versions(caseID: record.id) }.count == 1)
            }
            // The gateway still answers reads.
            #expect(try await client.send("/v1/cases/\(stored[0].id)").status == .ok)

            try await harness.store.limitGrowth(false)
            #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(number)).status == .accepted)
            #expect(try await harness.caseCount() == accepted + 1)
        }
        let verification = try await MessageLogVerifier.verify(harness.store)
        #expect(verification.problem == nil)
    }

    /// The readings a test hands the watch, one per look; the last one repeats.
    final class Disk: Sendable {
        let readings: Mutex<(left: [StorageGuard.Reading], looks: Int)>
        init(_ readings: [StorageGuard.Reading]) { self.readings = Mutex((readings, 0)) }
        var looks: Int { readings.withLock { $0.looks } }
        func next() -> StorageGuard.Reading {
            readings.withLock { state in
                state.looks += 1
                return state.left.count > 1 ? state.left.removeFirst() : state.left[0]
            }
        }
    }

    @Test("the watch looks at start and every interval: it sets the gauges, refuses below the threshold and logs the start (warning) and end (notice) once")
    func watch() async throws {
        let harness = try await GatewayHarness(extraYAML: Self.storage)
        let captured = CapturedLog()
        let disk = Disk([Self.roomy, Self.nearlyFull, Self.nearlyFull, Self.roomy])
        let watch = FreeSpaceWatch(gateway: harness.gateway, interval: .milliseconds(20), measure: { disk.next() }, logger: captured.logger)
        let running = Task { try await watch.run() }
        for _ in 0..<200 where disk.looks < 5 {
            try await Task.sleep(for: .milliseconds(10))
        }
        running.cancel()
        _ = try? await running.value
        #expect(disk.looks >= 5, "the watch did not look again every interval")
        #expect(harness.gateway.storageGuard.shortage == nil)
        let lines = captured.all
        #expect(lines.map(\.level) == [.warning, .notice])
        #expect(lines.first?.message.contains("storage nearly full") == true)

        let metrics = MetricsExposition(String(decoding: try await harness.gateway.metricsExposition(), as: UTF8.self))
        #expect(metrics.value("tongban_data_free_bytes", [:]) == Double(8 << 30))
        #expect(metrics.value("tongban_data_min_free_bytes", [:]) == Double(1 << 30))
        #expect(metrics.value("tongban_data_size_bytes", [:]) == Double(40 << 20))
    }

    @Test("the real measurement reads the data directory's filesystem and the database with its WAL")
    func measure() async throws {
        let harness = try await GatewayHarness()
        _ = try await harness.gateway.submit(CaseFixtures.sample.bytes)
        let configuration = harness.gateway.configuration
        let reading = try StorageGuard.Reading.measure(directory: configuration.dataDirectory, database: configuration.databasePath)
        #expect(reading.freeBytes > 0)
        let files = ["", "-wal"].map { suffix in
            ((try? FileManager.default.attributesOfItem(atPath: configuration.databasePath + suffix))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        #expect(reading.databaseBytes == files.reduce(0, +))
        #expect(files[0] > 0 && files[1] > 0)
        #expect(throws: (any Error).self) {
            try StorageGuard.Reading.measure(directory: configuration.dataDirectory.appendingPathComponent("missing"), database: "")
        }
    }

    @Test("shortening keepBodies drops the bodies, the chain still verifies, and a backup (the compacted copy) is smaller by about what they took")
    func shorterKeepBodies() async throws {
        let harness = try await GatewayHarness(extraYAML: "messageLog: {keepBodies: 1h}")
        try await harness.application().test(.router) { client async throws in
            for number in 1...30 {
                #expect(try await client.send("/v1/cases", .post, body: Self.caseBody(number)).status == .accepted)
            }
            #expect(try await harness.caseCount() == 30)
        }
        let bodies = try await harness.store.read { reader in try reader.messageLog(after: 0, limit: 100) }.reduce(0) { $0 + ($1.body?.count ?? 0) }
        #expect(bodies > 30 * 500)
        let folder = harness.directory.appendingPathComponent("backups")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let before = try await harness.store.backup(to: folder.appendingPathComponent("before.sqlite").path)

        harness.advance(.seconds(2 * 3600))
        let purger = MessageLogPurger(gateway: harness.gateway, logger: Logger(label: "test"))
        #expect(try await purger.purge() == 30)
        #expect(try await MessageLogVerifier.verify(harness.store).problem == nil)
        let after = try await harness.store.backup(to: folder.appendingPathComponent("after.sqlite").path)
        #expect(after.cases == 30 && after.messageLogEntries == 30)
        #expect(before.bytes - after.bytes >= Int64(bodies / 2), "\(before.bytes) → \(after.bytes), bodies \(bodies)")
    }

    @Test("stop, move the data directory to another disk, start: every case is there, the log verifies, and intake goes on")
    func moveDataDirectory() async throws {
        let harness = try await GatewayHarness()
        for number in 1...3 { _ = try await harness.gateway.submit(Self.caseBody(number)) }
        await harness.store.close()  // stop: the last connection checkpoints and removes the WAL

        let moved = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-moved-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: moved, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: moved) }
        let files = try FileManager.default.contentsOfDirectory(atPath: harness.directory.path)
        #expect(files == ["tongban.sqlite"])
        for file in files {
            try FileManager.default.moveItem(at: harness.directory.appendingPathComponent(file), to: moved.appendingPathComponent(file))
        }

        let store = try SQLiteStore(path: moved.appendingPathComponent("tongban.sqlite").path)
        #expect(try await store.migrate() == [])
        #expect(await store.isReady())
        #expect(try await MessageLogVerifier.verify(store).problem == nil)
        var configuration = harness.gateway.configuration
        configuration.dataDirectory = moved
        let gateway = Gateway(configuration: configuration, catalog: harness.gateway.catalog, store: store)
        guard case .accepted = try await gateway.submit(Self.caseBody(4)) else { Issue.record("not accepted after the move"); return }
        #expect(try await store.read { reader in try reader.cases(matching: CaseFilter(), after: nil, limit: 10) }.count == 4)
        await store.close()
    }
}
