import Foundation
import Testing
@testable import TongbanStorage

/// A fresh directory for one test, removed after `body`.
func withTemporaryDirectory(_ body: (String) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-storage-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory.path)
}

/// A store on a new file in a temporary directory, migrated unless asked not to; closed and
/// removed after `body`.
func withStore(migrated: Bool = true, _ body: (SQLiteStore) async throws -> Void) async throws {
    try await withTemporaryDirectory { directory in
        let store = try SQLiteStore(path: directory + "/gateway.sqlite")
        if migrated { _ = try await store.migrate() }
        do {
            try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

/// Records with plausible values; tests override what they look at.
enum Sample {
    static func caseRecord(_ id: String, number: String? = nil, origin: String = "window-a", partner: String = "tax",
                           direction: CaseRecord.Direction = .outbound, status: String? = nil,
                           createdAt: Int64 = 1_000) -> CaseRecord {
        CaseRecord(id: id, direction: direction, origin: origin, partner: partner, caseNumber: number ?? "N-\(id)",
                   version: 1, matterCode: "M01", status: status, createdAt: createdAt, updatedAt: createdAt)
    }

    static func version(of caseID: String, _ version: Int = 1, createdAt: Int64 = 1_000) -> CaseVersionRecord {
        CaseVersionRecord(caseID: caseID, version: version, digest: String(repeating: "ab", count: 32),
                          canonical: Array("{\"case\":\"\(caseID)\",\"v\":\(version)}".utf8), createdAt: createdAt)
    }

    static func transfer(_ caseID: String, to destination: String = "tax", messageID: String,
                         state: TransferState = .pending, nextAttemptAt: Int64 = 1_000,
                         feedSeq: Int64? = nil) -> TransferRecord {
        TransferRecord(caseID: caseID, destination: destination, kind: .case, messageID: messageID,
                       payload: Array("<case id=\"\(caseID)\"/>".utf8), contentType: "application/xml", state: state,
                       nextAttemptAt: nextAttemptAt, createdAt: 1_000, feedSeq: feedSeq)
    }
}

extension SQLiteStore {
    /// Stores a case with its first version, the way a submission does.
    @discardableResult
    func insertSampleCase(_ record: CaseRecord) async throws -> CaseRecord {
        try await write { try $0.insertCase(record, firstVersion: Sample.version(of: record.id)) }
    }

    /// Queues `records` in one write and answers them with their ids.
    func insertTransfers(_ records: [TransferRecord]) async throws -> [TransferRecord] {
        try await write { writer in try records.map { try writer.insertTransfer($0) } }
    }
}

extension StoreError {
    var isDuplicate: Bool {
        if case .duplicate = self { true } else { false }
    }

    var isNotFound: Bool {
        if case .notFound = self { true } else { false }
    }
}
