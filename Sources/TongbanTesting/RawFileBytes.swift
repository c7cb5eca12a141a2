import Foundation

/// The bytes of database files as they are on disk, for tests that prove what is (not) stored
/// in clear.
public enum RawFileBytes {
    /// The existing `files`, concatenated, read by `cat` in a process of its own: opening and
    /// closing the database file in this process, where a store has it open, would drop the POSIX
    /// locks its SQLite connections hold (then another process could take the WAL away).
    public static func read(_ files: [String]) throws -> [UInt8] {
        let present = files.filter { FileManager.default.fileExists(atPath: $0) }
        guard !present.isEmpty else { return [] }
        let run = try Spawned.run("/bin/cat", present)
        guard run.status == 0 else { throw Spawned.Failure(description: "cat \(present): \(String(decoding: run.stderr, as: UTF8.self))") }
        return run.stdout
    }
}
