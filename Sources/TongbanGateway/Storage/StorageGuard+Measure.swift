import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension StorageGuard.Reading {
    /// A measurement that failed: the path and the system's reason, for the operators' log.
    struct Unmeasurable: Error, CustomStringConvertible {
        var description: String
    }

    /// Measures the filesystem that holds `directory` (`statvfs`: the blocks available to an
    /// unprivileged process, which is what the gateway's user can still write; root's reserve
    /// does not count) and the size of `database` and its WAL (absent files count 0).
    static func measure(directory: URL, database: String) throws -> Self {
        var stats = statvfs()
        guard statvfs(directory.path, &stats) == 0 else {
            throw Unmeasurable(description: "statvfs \(directory.path): \(String(cString: strerror(errno)))")
        }
        func size(_ path: String) -> Int64 {
            var info = stat()
            return stat(path, &info) == 0 ? Int64(info.st_size) : 0
        }
        return Self(freeBytes: Int64(stats.f_bavail) * Int64(stats.f_frsize),
                    databaseBytes: size(database) + size(database + "-wal"))
    }
}
