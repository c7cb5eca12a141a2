import ArgumentParser
import Foundation
import TongbanGateway

/// `tongban operator`: operator accounts for the console.
struct OperatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator", abstract: "Operator accounts.", subcommands: [HashPasswordCommand.self])
}

/// Reads a password from standard input (so it is in no shell history or process list) and
/// prints the `passwordHash:` line for the operator's entry under `operators:`.
struct HashPasswordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-password", abstract: "Hash a console password read from standard input (scrypt).")

    func run() throws {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ConfigurationProblem(message: "hash-password: give the password on standard input, e.g. printf %s \"$PASSWORD\" | tongban operator hash-password")
        }
        guard line.count >= 12 else { throw ConfigurationProblem(message: "hash-password: use at least 12 characters") }
        print("passwordHash: \"\(try PasswordHash.make(line).encoded)\"")
    }
}
