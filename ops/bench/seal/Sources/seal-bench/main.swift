import Foundation
import TongbanStorage

// What sealing adds to storing an accepted case: the write the intake makes (the case, its first
// version with the ~1 KB canonical case, its transfer with the ~1 KB payload, the message log
// entry with the ~1 KB request body), stored with the store's keys and without, in interleaved
// rounds. The database lives on tmpfs (/dev/shm) with the store's usual settings, so an fsync
// costs nothing, and the figure is the process's CPU time (every thread: the caller's tasks and
// the writer thread) per case, which a busy machine disturbs less than the wall clock.
//
// Two shapes: one case per write (each its own commit, as a lone window's case) and 100 cases
// per write (as group commit does under load), where the commit's share is small and the
// difference is mostly the sealing itself.
//
//   seal-bench [--cases N] [--rounds N] [--directory DIR]

var cases = 4_000, rounds = 6, directory = "/dev/shm"
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--cases": cases = Int(arguments.next() ?? "") ?? cases
    case "--rounds": rounds = Int(arguments.next() ?? "") ?? rounds
    case "--directory": directory = arguments.next() ?? directory
    default: FileHandle.standardError.write(Data("usage: seal-bench [--cases N] [--rounds N] [--directory DIR]\n".utf8)); exit(2)
    }
}

let keys = try StorageKeyring(current: "bench", keys: [StorageKey(id: "bench", bytes: (0..<32).map { UInt8($0) }, file: "bench.key")])
/// A canonical case, a payload and a request body of about 1 KB each.
let canonical = Array(String(repeating: "{\"applicant\":{\"name\":\"王建国\",\"idNumber\":\"429001198503120020\"}}", count: 15).utf8.prefix(1024))
let payload = Array(String(repeating: "<SQR><XM>王建国</XM><ZJHM>429001198503120020</ZJHM></SQR>", count: 16).utf8.prefix(1024))

/// The CPU time of the whole process so far, in microseconds.
func processCPU() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) * 1e6 + Double(now.tv_nsec) / 1e3
}

/// Stores one accepted case the way the intake does.
func storeCase(_ index: Int, with writer: any StoreWriter) throws {
    let id = "case-\(index)"
    _ = try writer.insertCase(
        CaseRecord(id: id, direction: .outbound, origin: "suixian", partner: "henan-tongbai", caseNumber: "SX\(index)", version: 1,
                   matterCode: "421321GA0130001", createdAt: 1_000, updatedAt: 1_000),
        firstVersion: CaseVersionRecord(caseID: id, version: 1, digest: String(repeating: "ab", count: 32), canonical: canonical, createdAt: 1_000))
    let transfer = try writer.insertTransfer(TransferRecord(caseID: id, destination: "henan-tongbai", kind: .case, messageID: "BW-\(index)",
                                                            payload: payload, contentType: "application/xml", nextAttemptAt: 1_000, createdAt: 1_000))
    _ = try writer.appendLog(MessageLogDraft(at: 1_000, direction: .inbound, party: "suixian", route: "POST /v1/cases", caseID: id,
                                             transferID: transfer.id, body: canonical, httpStatus: 202, actor: "local:suixian"))
}

/// CPU microseconds per case over `cases` cases, `perWrite` of them in each write, on a fresh database.
func round(sealed: Bool, cases: Int, perWrite: Int, directory: String) async throws -> Double {
    let path = "\(directory)/seal-bench-\(UUID().uuidString).sqlite"
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    let store = try SQLiteStore(path: path, keys: sealed ? keys : .none)
    _ = try await store.migrate()
    let started = processCPU()
    for first in stride(from: 0, to: cases, by: perWrite) {
        try await store.write { writer in
            for index in first..<min(first + perWrite, cases) { try storeCase(index, with: writer) }
        }
    }
    let spent = processCPU() - started
    await store.close()
    return spent / Double(cases)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func figures(_ values: [Double]) -> String { values.map { String(format: "%.1f", $0) }.joined(separator: " ") }

let (count, folder) = (cases, directory)
print("\(count) cases per round, \(rounds) rounds of each, database in \(folder); CPU µs per accepted case")
for perWrite in [1, 100] {
    var clear: [Double] = [], sealed: [Double] = []
    _ = try await round(sealed: true, cases: count, perWrite: perWrite, directory: folder)  // warm-up
    for index in 0..<rounds {
        // Interleaved, alternating which goes first, so a busy moment of the machine hits both.
        for sealing in index % 2 == 0 ? [false, true] : [true, false] {
            let figure = try await round(sealed: sealing, cases: count, perWrite: perWrite, directory: folder)
            if sealing { sealed.append(figure) } else { clear.append(figure) }
        }
    }
    print("\(perWrite) case\(perWrite == 1 ? "" : "s") per write: clear \(String(format: "%.1f", median(clear))) (\(figures(clear))), "
          + "sealed \(String(format: "%.1f", median(sealed))) (\(figures(sealed))): sealing adds \(String(format: "%.1f", median(sealed) - median(clear)))")
}
