import ArgumentParser
import Foundation
import TongbanStorage

/// `tongban log`: the message log.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Work with the message log.", subcommands: [LogVerifyCommand.self])
}

/// `tongban log verify`: proves the message log's hash chain, with the gateway running or not.
/// Exit 0 when intact, 1 when an entry is altered or missing (named on stderr), 2 when the
/// database cannot be read.
struct LogVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the message log's hash chain and name the first altered or missing entry.",
        discussion: """
            Prints the last entry's number and hash: note them, and pass them later with --anchor \
            to also catch entries removed from the end of the log.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "An entry noted earlier, as NUMBER:HASH; the log must still hold it unchanged.")
    var anchor: String?

    func validate() throws {
        _ = try anchor.map(Self.parseAnchor)
    }

    func run() async throws {
        let noted = try anchor.map(Self.parseAnchor)
        let store = try await database.openMigratedStore()
        let verification: MessageLogVerification
        do {
            verification = try await MessageLogVerifier.verify(store, anchor: noted)
        } catch let sealed as SealedRecordError {
            await store.close()
            // A body that does not open was altered (exit 1); one sealed with a key not read is
            // a configuration problem (exit 2).
            guard case .keyNotConfigured = sealed.problem else { throw InputRefused(lines: ["message log: \(sealed.description)"]) }
            let hint = database.dataDirectory == nil ? "" : "; --data-directory reads no key: pass --config with storage.encryption"
            throw ConfigurationProblem(message: "message log: \(sealed.description)\(hint)")
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        if let problem = verification.problem {
            throw InputRefused(lines: ["message log entry \(problem.seq): \(problem.reason) (\(verification.checked) entries before it are intact)"])
        }
        print("message log intact: \(verification.checked) entries; last entry \(verification.headSeq):\(verification.headHash)")
    }

    static func parseAnchor(_ text: String) throws -> (seq: Int64, hash: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let seq = Int64(parts[0]), seq >= 1, parts[1].count == 64,
              parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw ValidationError("--anchor \(text): write NUMBER:HASH, the hash as 64 lower-case hex digits, as `tongban log verify` prints it")
        }
        return (seq, String(parts[1]))
    }
}
