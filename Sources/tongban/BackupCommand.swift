import ArgumentParser
import Foundation
import TongbanStorage

/// `tongban backup FILE`: a consistent copy of the gateway's database, taken while the gateway
/// runs (or not), checked before it is put in place. Exit 0 when written, 2 when the database
/// cannot be read or the copy cannot be written (the message names the path). Restoring is
/// putting the copy in place as `tongban.sqlite` (docs/operations.md, "Backup and restore").
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent, checked copy of the gateway's database, with the gateway running or not.",
        discussion: """
            The copy is written to FILE.partial, synced, checked (integrity, every migration \
            applied) and only then renamed to FILE, so a FILE that exists is complete.
            """)

    @Argument(help: "Where to write the copy.")
    var file: String

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Replace FILE if it exists.")
    var force = false

    func run() async throws {
        let path = try database.databasePath()
        let destination = URL(fileURLWithPath: file).path
        // --force on the database itself would rename the copy over the file the gateway has open.
        guard URL(fileURLWithPath: destination).resolvingSymlinksInPath() != URL(fileURLWithPath: path).resolvingSymlinksInPath() else {
            throw ConfigurationProblem(message: "\(destination): this is the database itself; write the backup elsewhere")
        }
        if !force, FileManager.default.fileExists(atPath: destination) {
            throw ConfigurationProblem(message: "\(destination): already exists; pass --force to replace it")
        }
        let store: SQLiteStore
        do { store = try SQLiteStore(path: path, readers: 1) } catch { throw Self.problem(error) }
        guard await store.isReady() else {
            await store.close()
            throw ConfigurationProblem(message: "\(path): the database is not at this version's schema; start the gateway once to migrate it")
        }
        let report: BackupReport
        do {
            report = try await store.backup(to: destination)
        } catch {
            await store.close()
            throw Self.problem(error)
        }
        await store.close()
        print("backup of \(path) written to \(report.path): \(Self.size(report.bytes)), \(Self.count(report.cases, "case")), "
              + "\(Self.count(report.transfers, "transfer")), \(Self.count(report.messageLogEntries, "message log entry", "message log entries")); "
              + "integrity ok")
    }

    /// The store's errors already name the path: shown as they are, with exit 2.
    static func problem(_ error: any Error) -> any Error {
        switch error as? StoreError {
        case .engine(let message)?, .unwritable(let message)?: ConfigurationProblem(message: message)
        default: error
        }
    }

    /// `12.3 MiB`: binary units, one decimal.
    static func size(_ bytes: Int64) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = -1
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit < 0 ? "\(bytes) bytes" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// `1,234 cases`: digits grouped by thousands whatever the locale, so scripts can read it.
    static func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
        let digits = Array(String(number))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return grouped + " " + (number == 1 ? singular : plural ?? singular + "s")
    }
}
