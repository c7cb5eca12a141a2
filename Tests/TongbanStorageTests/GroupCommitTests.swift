import Foundation
import Testing
@testable import TongbanStorage

@Suite struct GroupCommitTests {
    struct Refused: Error, Equatable {
        let index: Int
    }

    @Test func concurrentWritesCommitExceptTheOnesThatThrow() async throws {
        try await withStore { store in
            let outcomes = await withTaskGroup(of: (Int, Result<Int64, any Error>).self) { group in
                for index in 0..<200 {
                    group.addTask {
                        do {
                            let seq = try await store.write { writer in
                                let id = "c\(index)"
                                let stored = try writer.insertCase(Sample.caseRecord(id), firstVersion: Sample.version(of: id))
                                _ = try writer.insertTransfer(Sample.transfer(id, messageID: "m\(index)"))
                                if index % 10 == 0 { throw Refused(index: index) }
                                return stored.seq
                            }
                            return (index, .success(seq))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                var outcomes: [Int: Result<Int64, any Error>] = [:]
                for await (index, outcome) in group { outcomes[index] = outcome }
                return outcomes
            }

            for index in 0..<200 {
                switch outcomes[index] {
                case .success?: #expect(index % 10 != 0, "write \(index) should have failed")
                case .failure(let error)?: #expect(error as? Refused == Refused(index: index), "write \(index): \(error)")
                case nil: Issue.record("write \(index) never answered")
                }
            }
            let (cases, transfers, versions) = try await store.read { reader in
                let cases = try reader.cases(matching: CaseFilter(), after: nil, limit: 1_000)
                let transfers = try (0..<200).compactMap { try reader.transfer(destination: "tax", messageID: "m\($0)") }
                let versions = try (0..<200).flatMap { try reader.versions(caseID: "c\($0)") }
                return (cases, transfers, versions)
            }
            let expected = Set((0..<200).filter { $0 % 10 != 0 }.map { "c\($0)" })
            #expect(Set(cases.map(\.id)) == expected)
            #expect(cases.count == 180)
            #expect(Set(transfers.map(\.caseID)) == expected)
            #expect(Set(versions.map(\.caseID)) == expected)
            let seqs = outcomes.values.compactMap { try? $0.get() }
            #expect(Set(seqs) == Set(cases.map(\.seq)))
        }
    }

    @Test func aGroupKeepsAllButTheThrowingJobAndAnswersAfterCommit() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/gateway.sqlite"
            let db = try SQLiteConnection(path: path, readOnly: false)
            defer { db.close() }
            _ = try SQLiteStore.applyMigrations(on: db)
            let log = CallbackLog()
            let jobs = (0..<3).map { index in
                WriteJob(
                    run: { writer in
                        _ = try writer.insertCase(Sample.caseRecord("c\(index)"), firstVersion: Sample.version(of: "c\(index)"))
                        if index == 1 { throw Refused(index: index) }
                        return {
                            // Another connection sees only committed data.
                            let visible = CallbackLog.committedCaseIDs(path: path)
                            log.append("answered c\(index), committed \(visible.sorted())")
                        }
                    },
                    fail: { error in log.append("failed c\(index): \(error)") })
            }
            GroupCommitWriter.commit(jobs, on: db)
            #expect(log.entries == [
                "failed c1: \(Refused(index: 1))",
                "answered c0, committed [\"c0\", \"c2\"]",
                "answered c2, committed [\"c0\", \"c2\"]",
            ])
        }
    }

    @Test func aFailingCommitFailsEveryJobOfTheGroup() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/gateway.sqlite"
            let db = try SQLiteConnection(path: path, readOnly: false)
            defer { db.close() }
            _ = try SQLiteStore.applyMigrations(on: db)
            let log = CallbackLog()
            let good = WriteJob(
                run: { writer in
                    _ = try writer.insertCase(Sample.caseRecord("good"), firstVersion: Sample.version(of: "good"))
                    return { log.append("answered good") }
                },
                fail: { _ in log.append("failed good") })
            // A version of a case that does not exist, with the foreign key checked only at COMMIT.
            let orphan = WriteJob(
                run: { writer in
                    try writer.db.exec("PRAGMA defer_foreign_keys = ON")
                    try writer.db.execute(WriterSQL.insertVersion, ["ghost", 1, "00", [1], 1])
                    return { log.append("answered orphan") }
                },
                fail: { _ in log.append("failed orphan") })
            GroupCommitWriter.commit([good, orphan], on: db)
            #expect(log.entries == ["failed good", "failed orphan"])
            #expect(!db.inTransaction)
            #expect(CallbackLog.committedCaseIDs(path: path).isEmpty)

            // The connection is usable for the next group.
            GroupCommitWriter.commit([good], on: db)
            #expect(log.entries.last == "answered good")
        }
    }
}

/// Lines written from the writer's callbacks. `@unchecked Sendable` is safe: `lines` is only
/// touched while holding `lock`.
final class CallbackLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.withLock { lines.append(line) }
    }

    var entries: [String] {
        lock.withLock { lines }
    }

    /// The case ids a separate connection sees, i.e. those committed.
    static func committedCaseIDs(path: String) -> Set<String> {
        do {
            let reader = try SQLiteConnection(path: path, readOnly: true)
            defer { reader.close() }
            return Set(try reader.query("SELECT id FROM cases") { $0.text(0) })
        } catch {
            return ["unreadable: \(error)"]
        }
    }
}
