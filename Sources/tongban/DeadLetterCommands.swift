import ArgumentParser
import Foundation
import TongbanCore

/// `tongban dlq`: the dead letters of a running gateway, through its operations API.
struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "List, inspect and close dead letters.",
        subcommands: [DeadLetterListCommand.self, DeadLetterShowCommand.self, DeadLetterCloseCommand.self])
}

/// The filters `tongban dlq list` and `tongban replay` share, as the API names them.
struct DeadLetterFilterOptions: ParsableArguments {
    @Option(help: "A partner's name, or local.") var destination: String?
    @Option(help: "The case's matter code.") var matter: String?
    @Option(help: "permanent (refused) or exhausted (out of attempts or age).") var errorClass: String?
    @Option(help: "The destination's result code in the last attempt (JG, APAS code).") var partnerCode: String?
    @Option(help: "Died at or after this RFC 3339 time.") var from: String?
    @Option(help: "Died before this RFC 3339 time.") var to: String?
    @Option(help: "The case number.") var caseNumber: String?

    var pairs: [(String, String)] {
        [("destination", destination), ("matter", matter), ("errorClass", errorClass), ("partnerCode", partnerCode),
         ("from", from), ("to", to), ("caseNumber", caseNumber)].compactMap { name, value in value.map { (name, $0) } }
    }
}

struct DeadLetterListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Dead letters, newest first.")

    @OptionGroup var ops: OpsOptions
    @OptionGroup var filter: DeadLetterFilterOptions
    @Option(help: "At most this many (1–500).") var limit = 50

    func run() async throws {
        var query = filter.pairs + [("limit", String(limit))]
        var printed = 0
        while true {
            let encoded = query.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $1)" }.joined(separator: "&")
            let page = try await OpsClient(options: ops).get("/ops/v1/dead-letters?\(encoded)")
            for item in page["items"]?.arrayValue ?? [] {
                let fields = [item["id"]?.integerValue.map(String.init) ?? "?", item["destination"]?.stringValue ?? "?",
                              item["kind"]?.stringValue ?? "?", item["caseId"]?.stringValue ?? "?", item["finishedAt"]?.stringValue ?? "-",
                              item["lastError"]?.stringValue.map { String($0.prefix(100)) } ?? "-"]
                print(fields.joined(separator: "  "))
                printed += 1
            }
            guard printed < limit, let next = page["next"]?.stringValue else { break }
            query = filter.pairs + [("limit", String(limit - printed)), ("cursor", next)]
        }
        if printed == 0 { print("no dead letters") }
    }
}

struct DeadLetterShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One transfer: payload as sent, attempts, log.")

    @OptionGroup var ops: OpsOptions
    @Argument(help: "The transfer id.") var id: Int64

    func run() async throws {
        let view = try await OpsClient(options: ops).get("/ops/v1/transfers/\(id)")
        print("transfer \(id) to \(view["destination"]?.stringValue ?? "?"): \(view["kind"]?.stringValue ?? "?"), \(view["state"]?.stringValue ?? "?"), message id \(view["messageId"]?.stringValue ?? "?"), case \(view["caseId"]?.stringValue ?? "?")")
        if let error = view["lastError"]?.stringValue { print("last error: \(error)") }
        print("\npayload (\(view["contentType"]?.stringValue ?? "?"), SHA-256 \(view["payloadSha256"]?.stringValue ?? "?")):")
        for line in view["payload"]?.arrayValue ?? [] { print("  " + (line.stringValue ?? "")) }
        print("\nattempts:")
        for attempt in view["attempts"]?.arrayValue ?? [] {
            print("  #\(attempt["number"]?.integerValue ?? 0) \(attempt["at"]?.stringValue ?? "") \(attempt["outcome"]?.stringValue ?? "") HTTP \(attempt["httpStatus"]?.integerValue.map(String.init) ?? "-") code \(attempt["partnerCode"]?.stringValue ?? "-"): \(attempt["answer"]?.stringValue.map { String($0.prefix(200)) } ?? "")")
        }
        print("\nlog:")
        for entry in view["log"]?.arrayValue ?? [] {
            print("  \(entry["seq"]?.integerValue ?? 0) \(entry["at"]?.stringValue ?? "") \(entry["direction"]?.stringValue ?? "") \(entry["route"]?.stringValue ?? "") \(entry["result"]?.stringValue ?? "") by \(entry["actor"]?.stringValue ?? "")\(entry["reason"]?.stringValue.map { ": \($0)" } ?? "")")
        }
    }
}

struct DeadLetterCloseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a dead letter without sending it again.")

    @OptionGroup var ops: OpsOptions
    @Argument(help: "The transfer id.") var id: Int64
    @Option(help: "Why (kept in the message log with your name).") var reason: String

    func run() async throws {
        let closed = try await OpsClient(options: ops).post("/ops/v1/transfers/\(id)/close", .object(JSONObject([("reason", .string(reason))])))
        print("transfer \(id) closed: \(closed["lastError"]?.stringValue ?? "")")
    }
}
