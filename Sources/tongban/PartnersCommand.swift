import ArgumentParser
import Foundation
import TongbanCore

/// `tongban partners`: the running gateway's destinations (each partner, and `local`): their
/// state, pausing and resuming one around a maintenance window, and opening or resetting a
/// breaker by hand. Calls the operations API (`/ops/v1/destinations`) with an operator's token;
/// every change is a message log entry with the operator's name and the reason given here.
struct PartnersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partners", abstract: "See and steer delivery to each partner of a running gateway.",
        subcommands: [Status.self, Pause.self, Resume.self, Breaker.self])

    /// `tongban partners status`: one row per destination.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each destination: paused or delivering, its breaker and its queue.")

        @OptionGroup var ops: OpsOptions

        @Flag(help: "Print the answer of GET /ops/v1/destinations as JSON.")
        var json = false

        func run() async throws {
            let view = try await OpsClient(options: ops).get("/ops/v1/destinations")
            print(json ? String(decoding: view.serialized(), as: UTF8.self) : PartnersCommand.table(view), terminator: json ? "\n" : "")
        }
    }

    /// `tongban partners pause NAME --reason TEXT`.
    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop delivery to a destination (a maintenance window); cases are still accepted and queue up.",
            discussion: "Attempts already under way finish. The pause lasts until resumed, restarts included.")

        @OptionGroup var change: ChangeOptions

        func validate() throws { try change.check() }

        func run() async throws {
            let view = try await change.post("pause", [])
            print("\(change.name) paused\(PartnersCommand.pauseNote(view)); \(PartnersCommand.pending(view)) waiting")
        }
    }

    /// `tongban partners resume NAME --reason TEXT`.
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume delivery to a paused destination; its backlog goes out in queue order.")

        @OptionGroup var change: ChangeOptions

        func validate() throws { try change.check() }

        func run() async throws {
            let view = try await change.post("resume", [])
            print("\(change.name) resumed; \(PartnersCommand.pending(view)) waiting go out in queue order")
        }
    }

    /// `tongban partners breaker open|reset NAME --reason TEXT`.
    struct Breaker: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open or reset a destination's circuit breaker by hand.", subcommands: [Open.self, Reset.self])

        struct Open: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Hold a destination's breaker open: no attempt starts until the time is up (then one probe) or a reset.",
                discussion: "The breaker lives in the gateway's memory: a restart closes it. For a maintenance window, pause instead.")

            @OptionGroup var change: ChangeOptions

            @Option(name: .customLong("for"), help: "How long: a whole number and s, m or h, at most 24h.")
            var duration: String = "30m"

            func validate() throws {
                try change.check()
                guard duration.wholeMatch(of: /[0-9]+[smh]/) != nil else {
                    throw ValidationError("--for \(duration): write a whole number and s, m or h, e.g. 30m")
                }
            }

            func run() async throws {
                let view = try await change.post("breaker/open", [("for", .string(duration))])
                let until = view["breaker"]?["forcedOpenUntil"]?.stringValue ?? "?"
                print("\(change.name) breaker open until \(until); \(PartnersCommand.pending(view)) waiting")
            }
        }

        struct Reset: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Close a destination's breaker and clear its failure count.")

            @OptionGroup var change: ChangeOptions

            func validate() throws { try change.check() }

            func run() async throws {
                let view = try await change.post("breaker/reset", [])
                print("\(change.name) breaker \(view["breaker"]?["state"]?.stringValue ?? "?"); \(PartnersCommand.pending(view)) waiting")
            }
        }
    }

    /// What every change names: the destination and why, and where the gateway is.
    struct ChangeOptions: ParsableArguments {
        @Argument(help: "The destination: a partner's name, or local (as `tongban partners status` lists them).")
        var name: String

        @Option(help: "Why: it goes into the message log with your name.")
        var reason: String

        @OptionGroup var ops: OpsOptions

        func check() throws {
            guard !name.isEmpty, !name.contains("/") else { throw ValidationError("\(name): name a destination as `tongban partners status` lists it") }
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("--reason: say why; it goes into the message log with your name")
            }
        }

        /// `POST /ops/v1/destinations/NAME/ACTION` with the reason and `fields`; answers the destination's view.
        func post(_ action: String, _ fields: [(key: String, value: JSONValue)]) async throws -> JSONValue {
            let path = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name
            return try await OpsClient(options: ops).post("/ops/v1/destinations/\(path)/\(action)",
                                                          .object(JSONObject([("reason", .string(reason))] + fields)))
        }
    }

    /// The view as a table, one destination a line, then who paused what and why.
    static func table(_ view: JSONValue) -> String {
        let items = view["items"]?.arrayValue ?? []
        var rows = [["DESTINATION", "PROTOCOL", "DELIVERY", "BREAKER", "PENDING", "IN FLIGHT", "OFFERED", "DEAD"]]
        var notes: [String] = []
        for item in items {
            let name = item["name"]?.stringValue ?? "?"
            let breaker: String
            if let state = item["breaker"]?["state"]?.stringValue {
                let failures = item["breaker"]?["consecutiveFailures"]?.integerValue ?? 0
                if let until = item["breaker"]?["forcedOpenUntil"]?.stringValue {
                    breaker = "open by hand"
                    notes.append("\(name): breaker held open until \(until)")
                } else {
                    breaker = failures > 0 ? "\(state), \(failures) failed" : state
                }
            } else {
                breaker = "-"
            }
            let paused = item["paused"] == .bool(true)
            if paused { notes.append("\(name): paused\(pauseNote(item))") }
            let count = { (state: String) in String(item["transfers"]?[state]?.integerValue ?? 0) }
            rows.append([name, item["protocol"]?.stringValue ?? "?", paused ? "paused" : "delivering", breaker,
                         count("pending"), count("inFlight"), count("offered"), count("dead")])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for row in rows {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            text += cells.joined(separator: "  ") + "\n"
        }
        if !notes.isEmpty { text += "\n" + notes.map { $0 + "\n" }.joined() }
        return text
    }

    /// ` since TIME by NAME: REASON`, from a destination's view.
    static func pauseNote(_ item: JSONValue) -> String {
        guard let pause = item["pause"], !pause.isNull else { return "" }
        return " since \(pause["since"]?.stringValue ?? "?") by \(pause["by"]?.stringValue ?? "?"): \(pause["reason"]?.stringValue ?? "")"
    }

    /// How many transfers wait, from a destination's view.
    static func pending(_ item: JSONValue) -> String {
        let count = item["transfers"]?["pending"]?.integerValue ?? 0
        return count == 1 ? "1 transfer" : "\(count) transfers"
    }
}
