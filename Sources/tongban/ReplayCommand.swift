import ArgumentParser
import Foundation
import TongbanCore

/// `tongban replay`: sends dead letters again (resend or re-translate), after a dry run if asked,
/// follows a replay until every transfer is delivered or dead again, and pauses or resumes it.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Send dead letters again, and steer a replay under way.",
        subcommands: [Start.self, Pause.self, Resume.self, Status.self], defaultSubcommand: Start.self)

    /// `tongban replay [start] --mode resend|retranslate (--ids … | filters) [--dry-run] --reason TEXT [--watch]`.
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send dead letters again: by id or by filter, resend or re-translate.",
            discussion: "Run with --dry-run first: it prints each payload's diff and changes nothing.")

        @OptionGroup var ops: OpsOptions
        @OptionGroup var filter: DeadLetterFilterOptions
        @Option(parsing: .upToNextOption, help: "Transfer ids (instead of filters).") var ids: [Int64] = []
        @Option(help: "resend (the stored bytes) or retranslate (the current mappings).") var mode: String
        @Flag(help: "Show what would be sent, with each payload's diff; change nothing.") var dryRun = false
        @Option(help: "Why (kept in the message log with your name); required unless --dry-run.") var reason: String?
        @Flag(help: "Follow the replay with a live progress line until it is done.") var watch = false

        func validate() throws {
            guard ["resend", "retranslate"].contains(mode) else { throw ValidationError("--mode \(mode): write resend or retranslate") }
            guard ids.isEmpty || filter.pairs.isEmpty else { throw ValidationError("name the dead letters by --ids or by filters, not both") }
            guard !ids.isEmpty || !filter.pairs.isEmpty else {
                throw ValidationError("name the dead letters: --ids, or at least one filter such as --destination (a replay of everything is refused)")
            }
            guard dryRun || !(reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason is required unless --dry-run") }
        }

        func run() async throws {
            var body = JSONObject([("mode", .string(mode)), ("dryRun", .bool(dryRun))])
            if ids.isEmpty {
                body.append("filter", .object(JSONObject(filter.pairs.map { ($0, JSONValue.string($1)) })))
            } else {
                body.append("transferIds", .array(ids.map { .int($0) }))
            }
            if let reason { body.append("reason", .string(reason)) }
            let client = OpsClient(options: ops)
            let answer = try await client.post("/ops/v1/replays", .object(body))
            for item in answer["items"]?.arrayValue ?? [] {
                let outcome = item["outcome"]?.stringValue ?? "?"
                print("transfer \(item["transferId"]?.integerValue ?? 0) to \(item["destination"]?.stringValue ?? "?") (message \(item["messageId"]?.stringValue ?? "?")): \(outcome)\(item["reason"]?.stringValue.map { ": \($0)" } ?? "")")
                let diff = item["diff"]?.arrayValue?.compactMap(\.stringValue) ?? []
                for line in diff where !line.hasPrefix("  ") { print("    " + line) }
                if diff.isEmpty, outcome != "skipped" { print("    (payload unchanged)") }
            }
            let counts = ["queued", "wouldQueue", "skipped"].map { "\(answer[$0]?.integerValue ?? 0) \($0 == "wouldQueue" ? "would be queued" : $0)" }
            print(counts.joined(separator: ", "))
            guard let replay = answer["replayId"]?.integerValue else { return }
            print("replay \(replay): `tongban replay pause \(replay) --reason …` holds it, `tongban replay status \(replay) --watch` follows it")
            if watch { try await ReplayCommand.follow(replay, client: client) }
        }
    }

    /// What `pause` and `resume` share: the replay and the reason.
    struct ChangeOptions: ParsableArguments {
        @Argument(help: "The replay's number, as `tongban replay` printed it.") var id: Int64
        @Option(help: "Why: it goes into the message log with your name.") var reason: String
        @OptionGroup var ops: OpsOptions

        func check() throws {
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("--reason: say why; it goes into the message log with your name")
            }
        }

        func post(_ action: String) async throws -> JSONValue {
            try await OpsClient(options: ops).post("/ops/v1/replays/\(id)/\(action)", .object(JSONObject([("reason", .string(reason))])))
        }
    }

    /// `tongban replay pause ID --reason TEXT`.
    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hold a replay: its waiting transfers stay queued, unsent, until resumed (restarts included).",
            discussion: "Attempts already under way finish; the partner's other traffic goes on (to stop that too, `tongban partners pause`).")

        @OptionGroup var change: ChangeOptions

        func validate() throws { try change.check() }

        func run() async throws {
            let progress = try await change.post("pause")
            print("replay \(change.id) paused; \(progress["states"]?["held"]?.integerValue ?? 0) held, \(ReplayCommand.summary(progress))")
        }
    }

    /// `tongban replay resume ID --reason TEXT`.
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused replay: its held transfers go out in queue order.")

        @OptionGroup var change: ChangeOptions

        func validate() throws { try change.check() }

        func run() async throws {
            let progress = try await change.post("resume")
            print("replay \(change.id) resumed; \(ReplayCommand.summary(progress))")
        }
    }

    /// `tongban replay status ID [--watch]`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a replay's progress, once or live.")

        @Argument(help: "The replay's number.") var id: Int64
        @Flag(help: "Follow it with a live progress line until it is done.") var watch = false
        @OptionGroup var ops: OpsOptions

        func run() async throws {
            let client = OpsClient(options: ops)
            if watch { return try await ReplayCommand.follow(id, client: client) }
            let progress = try await client.get("/ops/v1/replays/\(id)")
            print("replay \(id) (\(progress["mode"]?.stringValue ?? "?") by \(progress["operator"]?.stringValue ?? "?")): \(ReplayCommand.summary(progress))")
            if let pause = progress["pause"], pause != .null {
                print("paused since \(pause["since"]?.stringValue ?? "?") by \(pause["by"]?.stringValue ?? "?"): \(pause["reason"]?.stringValue ?? "")")
            }
        }
    }

    /// Counts of a replay's progress: delivered of total, failed, waiting (and held).
    static func summary(_ progress: JSONValue) -> String {
        let states = progress["states"]
        func count(_ state: String) -> Int64 { states?[state]?.integerValue ?? 0 }
        let total = progress["total"]?.integerValue ?? 0
        let failed = count("dead") + count("closed")
        let waiting = total - count("delivered") - failed
        let held = count("held")
        return "\(count("delivered"))/\(total) delivered, \(failed) failed, \(waiting) waiting" + (held > 0 ? " (\(held) held)" : "")
    }

    /// Prints one progress line, rewritten in place, until no transfer of the replay waits. While
    /// the replay is paused the line says so and the rate and time left wait for the resume.
    static func follow(_ id: Int64, client: OpsClient) async throws {
        let started = Date()
        while true {
            let progress = try await client.get("/ops/v1/replays/\(id)")
            let states = progress["states"]
            let total = progress["total"]?.integerValue ?? 0
            let finished = (states?["delivered"]?.integerValue ?? 0) + (states?["dead"]?.integerValue ?? 0) + (states?["closed"]?.integerValue ?? 0)
            let elapsed = max(Date().timeIntervalSince(started), 0.001)
            let rate = Double(finished) / elapsed
            let tail: String
            if progress["paused"] == .bool(true) {
                tail = "paused by \(progress["pause"]?["by"]?.stringValue ?? "?") (tongban replay resume \(id))"
            } else {
                tail = String(format: "%.1f", rate) + "/s · "
                    + (rate > 0 ? "about \(Int((Double(total - finished) / rate).rounded())) s left" : "waiting for the first answers")
            }
            FileHandle.standardOutput.write(Data(("\rreplay \(id): " + summary(progress) + " · " + tail + "\u{1B}[K").utf8))
            if progress["done"] == .bool(true) { print(""); return }
            try await Task.sleep(for: .seconds(1))
        }
    }
}
