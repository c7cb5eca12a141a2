import Foundation
import Testing
import TongbanCore
import TongbanHTTPClient
import TongbanPartners
import TongbanTesting
import TongbanXML

// Personal data never reaches the logs in full: a full scenario with the gateway and the
// simulator both at `--log-level trace` (the most verbose level, so nothing leaks at any level),
// then every log line of both processes (stdout and stderr, both written whole to the logs by
// `ChildProcess`) is searched for every person of every case body the test or the simulator sent.
//
// The scenario: the sample case and a case with an agent to each partner; cases refused at intake
// (an ID number with a wrong check character, a malformed phone, an agent's wrong ID number); each
// partner's own resident's case inbound, and statuses both ways; a permanent refusal at Tongbai
// (dead letter) and transient failures at Zaoyang (retries); a Tongbai case refused inbound.
//
// What counts as a person's data, and the rule checked for each (a log line must not contain):
// - ID numbers: the full number, compared case-insensitively (`x` and `X`);
// - phones: the full phone as written, and its digits alone (`+86-722-1234567` → `867221234567`);
// - names: the full name when it has two characters or more (`王建国`); a one-character name
//   cannot be told from its masked form (`王*`) and is not checked;
// - addresses: the full address (the parties' and the result delivery's).
// The values come from the bodies themselves: every party (an object with an `idNumber`) and
// every `address` of the canonical bodies the test posted and of the canonical form the gateway
// stored for each case the simulator sent; and, from the raw partner bodies (the simulator's
// templates, the test's own KSTB message), every ID-number-shaped (17 digits and a check
// character) and mobile-shaped (11 digits from 13…19) token, whatever field holds it (e-licence
// numbers carry ID numbers too).
//
// A failure shows the offending line with every such value masked (ID number: first 6 and last
// character; phone: first 3 and last 2; name: first character; address: first 3 characters),
// never the value itself. The logs must also prove something was logged: a minimum of lines, and
// the expected events with their `case=` and `transfer=` metadata (delivery attempts to Tongbai,
// Zaoyang and the local system; the hub pulls its feed, so nothing is pushed or logged for it).
// Refusals are answered, not logged, by the gateway: their answers are checked the same way, since
// callers (and the simulator) may log them.

/// Personal data never reaches the logs in full, at any log level (the rules above).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct PersonalDataInLogsTests {
    @Test func noFullIDNumberPhoneNameOrAddressInTraceLogs() async throws {
        let started = ContinuousClock.now
        let env = try await EndToEnd.start(simulatorFlags: ["--inbound", "1", "--log-level", "trace"], gatewayFlags: ["--log-level", "trace"])
        let evidence = Shared(Evidence())
        var scenarioError: (any Error)?
        do { try await Self.scenario(env, evidence) } catch { scenarioError = error }
        // Stopped before reading, so both logs are complete (shutdown messages included).
        if let gateway = env.gateway { await gateway.stop() }
        await env.simulator.stop()

        let facts = evidence.withLock { $0 }
        let secrets = Secret.unique(facts.secrets)
        let logs = [LogFile(name: "gateway", url: env.gatewayLog), LogFile(name: "simulator", url: env.simulatorLog)]
        var failed = false
        func fail(_ message: String) {
            failed = true
            Issue.record(Comment(rawValue: message))
        }
        if let scenarioError {
            // Not EndToEnd.run's diagnosis: that prints raw log lines.
            fail("scenario failed: \(scenarioError)\n" + logs.map { $0.maskedTail(secrets) }.joined(separator: "\n"))
        }

        // Something to search: people were collected from every kind of body.
        #expect(secrets.count >= 20, "only \(secrets.count) personal values collected")
        for kind in Secret.Kind.allCases {
            #expect(secrets.contains { $0.kind == kind }, "no \(kind.rawValue) collected")
        }

        // 1. No log line holds a full value.
        for log in logs {
            for (number, line) in log.lines.enumerated() {
                let found = secrets.filter { $0.occurs(in: line) }
                guard !found.isEmpty else { continue }
                fail("\(log.name) log line \(number + 1) holds in full " + found.map { "the \($0.kind.rawValue) of \($0.owner)" }.joined(separator: ", ")
                     + ":\n" + Secret.masking(line, secrets))
            }
        }
        // Refusals answered to HTTP callers name fields, not values.
        for answer in facts.refusals {
            let found = Secret.unique(answer.secrets).filter { $0.occurs(in: answer.text) }
            guard !found.isEmpty else { continue }
            fail("the answer to \(answer.what) holds in full " + found.map { "the \($0.kind.rawValue) of \($0.owner)" }.joined(separator: ", ")
                 + ":\n" + Secret.masking(answer.text, secrets))
        }

        // 2. The logs are not empty, are structured, and say what happened.
        for log in logs {
            let entries = log.lines.filter { !$0.hasPrefix("---- ") && !$0.isEmpty }
            #expect(entries.count >= log.minimumLines(facts), "\(log.name) log has only \(entries.count) lines")
            let unstructured = entries.filter { !LogFile.isStructured($0) }
            let shown = unstructured.prefix(5).map { Secret.masking($0, secrets) }.joined(separator: "\n")
            #expect(unstructured.isEmpty, "\(log.name) log lines not in the structured format:\n\(shown)")
        }
        for event in facts.events {
            let log = event.inGateway ? logs[0] : logs[1]
            if !log.lines.contains(where: event.matches) {
                fail("\(log.name) log has no line \(event)")
            }
        }
        #expect(facts.events.count >= 15, "only \(facts.events.count) expected events")

        let keep = failed || ProcessInfo.processInfo.environment["TONGBAN_E2E_KEEP"] != nil
        await Task { await env.shutdown(removingFiles: !keep) }.value
        if keep { print("personal data in logs: logs kept in \(env.directory.path)") }
        print("personal data in logs: \(secrets.count) values of \(facts.bodies) bodies checked against "
              + logs.map { "\($0.lines.count) \($0.name) lines" }.joined(separator: " and ")
              + ", \(facts.events.count) events found, in \(ContinuousClock.now - started)")
    }

    // MARK: The scenario

    static let finalCodes: [Partner: String] = Dictionary(uniqueKeysWithValues: Partner.allCases.map { ($0, $0.statusCodes["delivered"]!) })

    static func scenario(_ env: EndToEnd, _ evidence: Shared<Evidence>) async throws {
        // Faults first, each on its own partner: every Tongbai answer a permanent refusal (JG=1),
        // every Zaoyang answer a transient failure (HTTP 503 or code 5000).
        try await env.control(["partner": .string(Partner.tongbai.rawValue), "permanentRate": 1])
        try await env.control(["partner": .string(Partner.zaoyang.rawValue), "errorRate": 1])
        evidence.withLock { $0.events.append(Event(inGateway: false, message: "faults changed", metadata: [:])) }
        let dead = try await submit(env, evidence, .tongbai, EndToEnd.sampleCase(.tongbai, caseNumber: env.caseNumber("perm")))
        let retried = try await submit(env, evidence, .zaoyang, EndToEnd.sampleCase(.zaoyang, caseNumber: env.caseNumber("retry")))
        let deadTransfer = try await env.waitForCase(dead.id, "the Tongbai case refused for good") { view in
            view.transfer(to: Partner.tongbai.rawValue)?["state"]?.stringValue == "dead"
        }.transfer(to: Partner.tongbai.rawValue)
        _ = try await env.waitForCase(retried.id, "a second attempt at Zaoyang") { view in
            (view.transfer(to: Partner.zaoyang.rawValue)?["attemptCount"]?.int ?? 0) >= 2
        }
        try await env.control(["partner": .string(Partner.tongbai.rawValue), "permanentRate": 0])
        try await env.control(["partner": .string(Partner.zaoyang.rawValue), "errorRate": 0])
        if let id = deadTransfer?["id"]?.int {
            evidence.withLock { $0.events.append(.delivery(dead.id, transfer: id, Partner.tongbai.rawValue, outcome: "dead", level: "warning")) }
        }

        // Cases each partner takes: its sample, and a case with a person agent.
        var accepted: [(Partner, Submitted)] = [(.zaoyang, retried)]
        for partner in Partner.allCases {
            accepted.append((partner, try await submit(env, evidence, partner, EndToEnd.sampleCase(partner, caseNumber: env.caseNumber("pd")))))
            accepted.append((partner, try await submit(env, evidence, partner, agentCase(partner).setting("caseNumber", .string(env.caseNumber("agent"))))))
        }

        // Cases refused at intake: the gateway answers with its validation errors.
        let tongbai = try EndToEnd.sampleCase(.tongbai, caseNumber: env.caseNumber("bad-id"))
        try await refuse(env, evidence, tongbai.setting("applicant.idNumber", .string(wrongCheckCharacter(tongbai["applicant"]!["idNumber"]!.stringValue!))),
                         "an ID number with a wrong check character", path: "$.applicant.idNumber")
        let zaoyang = try EndToEnd.sampleCase(.zaoyang, caseNumber: env.caseNumber("bad-phone"))
        let phone = zaoyang["applicant"]!["phone"]!.stringValue!
        let spaced = phone.prefix(3) + " " + phone.dropFirst(3).prefix(4) + " " + phone.dropFirst(7)
        try await refuse(env, evidence, zaoyang.setting("applicant.phone", .string(String(spaced))), "a phone with spaces", path: "$.applicant.phone")
        let hub = try agentCase(.hub).setting("caseNumber", .string(env.caseNumber("bad-agent")))
        try await refuse(env, evidence, hub.setting("agent.idNumber", .string(wrongCheckCharacter(hub["agent"]!["idNumber"]!.stringValue!))),
                         "an agent's ID number with a wrong check character", path: "$.agent.idNumber")

        // Every case taken runs to its final status (the retried one once Zaoyang answers again).
        for (partner, sent) in accepted {
            let view = try await env.waitForCase(sent.id, "\(partner.rawValue) case \(sent.caseNumber) delivered", timeout: .seconds(25)) {
                $0["status"]?.stringValue == "delivered"
            }
            guard partner != .hub, let transfer = view.transfer(to: partner.rawValue)?["id"]?.int else { continue }
            // The hub pulls its feed: nothing is pushed to it, so no delivery attempt is logged.
            evidence.withLock { evidence in
                evidence.events.append(.delivery(sent.id, transfer: transfer, partner.rawValue, outcome: "delivered", level: nil))
                let took = partner == .tongbai ? "Tongbai took a case" : "Zaoyang took a case"
                evidence.events.append(Event(inGateway: false, message: took, metadata: ["case": sent.caseNumber]))
            }
        }
        if let transfer = try await env.caseView(retried.id).transfer(to: Partner.zaoyang.rawValue)?["id"]?.int {
            evidence.withLock { $0.events.append(.delivery(retried.id, transfer: transfer, Partner.zaoyang.rawValue, outcome: "pending", level: "info")) }
        }

        // Inbound: each partner's own resident's case, as the simulator sent it, reaches the local system.
        var own: [(Partner, String, String)] = []
        for partner in Partner.allCases {
            let number = try await eventually("\(partner.rawValue) own case taken") { () -> String? in
                let entry = try await env.simulatorCases(partner.rawValue)["own"]?.arrayValue?.first
                return entry?["state"]?.stringValue == "accepted" ? entry?["caseNumber"]?.stringValue : nil
            }
            let list = try await env.api("GET", "/v1/cases?direction=inbound&partner=\(partner.rawValue)").json["items"]?.arrayValue ?? []
            guard let id = list.first(where: { $0["caseNumber"]?.stringValue == number })?["id"]?.stringValue else {
                throw EndToEndError("the gateway lists no inbound case \(number)")
            }
            let view = try await env.waitForCase(id, "\(number) sent to the local system") {
                $0.transfer(to: "local")?["state"]?.stringValue == "delivered"
            }
            // The people of the body the simulator sent: as the gateway read them, and every
            // ID-number- or phone-shaped token of the raw template it was made from.
            let raw = try ownCaseTemplate(partner)
            evidence.withLock { evidence in
                evidence.bodies += 1
                evidence.secrets += Secret.people(in: view["case"] ?? .null, owner: "\(partner.rawValue)'s own case \(number)")
                evidence.secrets += Secret.shaped(in: raw.strings, owner: "\(partner.rawValue)'s own case template")
                if let transfer = view.transfer(to: "local")?["id"]?.int {
                    evidence.events.append(.delivery(id, transfer: transfer, "local", outcome: "delivered", level: nil))
                }
                evidence.events.append(Event(inGateway: false, message: "local system got a case", metadata: ["case": number]))
            }
            own.append((partner, number, id))
        }

        // Statuses the other way: the local system reports, each partner hears its own way.
        for status in ["accepted", "approved", "delivered"] {
            var report: JSONValue = ["status": .string(status), "opinion": "依法办理", "at": .string(nowRFC3339())]
            if status == "approved" { report = report.setting("result", ["name": "准予许可决定书", "number": "SX-JG-2026-000099"]) }
            for (partner, _, id) in own {
                let answer = try await env.api("POST", "/v1/cases/\(id)/status", json: report)
                guard answer.status == 202 else { throw EndToEndError("\(partner.rawValue) \(status): HTTP \(answer.status) \(answer.text)") }
            }
        }
        for (partner, number, id) in own {
            _ = try await eventually("\(partner.rawValue) sees the final status of \(number)") { () -> Bool? in
                try await env.ownStatuses(partner, number).last == finalCodes[partner] ? true : nil
            }
            // Pushed to Tongbai: a delivery attempt per status.
            guard partner == .tongbai else { continue }
            let view = try await env.waitForCase(id, "every status of \(number) delivered to Tongbai") { view in
                let pushed = view["transfers"]?.arrayValue?.filter { $0["destination"]?.stringValue == partner.rawValue } ?? []
                return pushed.count == 3 && pushed.allSatisfy { $0["state"]?.stringValue == "delivered" }
            }
            for transfer in view["transfers"]?.arrayValue ?? [] where transfer["destination"]?.stringValue == partner.rawValue {
                guard let tid = transfer["id"]?.int else { continue }
                evidence.withLock { $0.events.append(.delivery(id, transfer: tid, partner.rawValue, outcome: "delivered", level: nil)) }
            }
        }

        // A Tongbai case refused inbound: Tongbai's own template with a wrong check character.
        try await refuseInbound(env, evidence, own.first { $0.0 == .tongbai }!.2)
    }

    struct Submitted {
        var id: String
        var caseNumber: String
    }

    /// Posts a local case that must be taken; its people join the evidence.
    static func submit(_ env: EndToEnd, _ evidence: Shared<Evidence>, _ partner: Partner, _ body: JSONValue) async throws -> Submitted {
        let number = body["caseNumber"]!.stringValue!
        evidence.withLock {
            $0.bodies += 1
            $0.secrets += Secret.people(in: body, owner: "case \(number)")
        }
        let answer = try await env.api("POST", "/v1/cases", json: body)
        guard answer.status == 202, let id = answer.json["id"]?.stringValue else {
            throw EndToEndError("case \(number) for \(partner.rawValue): HTTP \(answer.status)")
        }
        return Submitted(id: id, caseNumber: number)
    }

    /// Posts a local case that must be refused (HTTP 422 naming `path`).
    static func refuse(_ env: EndToEnd, _ evidence: Shared<Evidence>, _ body: JSONValue, _ what: String, path: String) async throws {
        let number = body["caseNumber"]!.stringValue!
        let people = Secret.people(in: body, owner: "refused case \(number)")
        evidence.withLock {
            $0.bodies += 1
            $0.secrets += people
        }
        let answer = try await env.api("POST", "/v1/cases", json: body)
        let paths = answer.json["issues"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
        guard answer.status == 422, paths.contains(path) else {
            throw EndToEndError("\(what) (\(number)): HTTP \(answer.status), issues at \(paths), expected 422 at \(path)")
        }
        evidence.withLock { $0.refusals.append(Refusal(what: what, text: answer.text, secrets: people)) }
    }

    /// Posts Tongbai's own case template with fresh numbers and the applicant's ID number's
    /// check character changed; the gateway refuses it (`JG=1`).
    static func refuseInbound(_ env: EndToEnd, _ evidence: Shared<Evidence>, _ acceptedTwinID: String) async throws {
        var bytes = try ownCaseTemplate(.tongbai)
        let tree = try XMLCodec.parse(bytes)
        let ids = Secret.shaped(in: tree.strings, owner: "").filter { $0.kind == .idNumber }.map(\.value)
        let bwbh = "411330-\(env.runID)-SB-000001"
        var replacements: [(String, String)] = [(">411330-20261120-SB-000118<", ">\(bwbh)<"), (">TB2026112000118<", ">TB-PD-\(env.runID)<")]
        for id in Set(ids) { replacements.append((id, wrongCheckCharacter(id))) }
        for (old, new) in replacements {
            // ASCII is the same in GB18030; none of these can sit inside a multi-byte character.
            guard let range = bytes.firstRange(of: Array(old.utf8)) else { throw EndToEndError("Tongbai's own case template no longer holds \(old.count) expected characters") }
            bytes.replaceSubrange(range, with: Array(new.utf8))
            while let again = bytes.firstRange(of: Array(old.utf8)) { bytes.replaceSubrange(again, with: Array(new.utf8)) }
        }
        // Its people: the raw body's tokens, and the canonical form of its accepted twin (the
        // simulator's copy of the same template) with the changed ID numbers.
        var people = Secret.shaped(in: try XMLCodec.parse(bytes).strings, owner: "the refused Tongbai case")
        let twin = try await env.caseView(acceptedTwinID)["case"] ?? .null
        people += Secret.people(in: twin, owner: "the refused Tongbai case")
        evidence.withLock {
            $0.bodies += 1
            $0.secrets += people
        }
        let answer = try await env.request("POST", env.gatewayURL + "/partners/henan-tongbai/kstb/v2/receive",
                                           headers: [HTTPHeader("Content-Type", "application/xml; charset=GB18030")], body: bytes)
        let receipt = KSTBReceipt.parse(answer.body)
        guard receipt?.result == .malformed, receipt?.message.contains("idNumber") == true else {
            throw EndToEndError("the Tongbai case with a wrong check character: HTTP \(answer.status), JG \(receipt?.result.rawValue ?? "none")")
        }
        evidence.withLock { $0.refusals.append(Refusal(what: "Tongbai's case with a wrong check character", text: answer.text, secrets: people)) }
    }

    /// The partner's outbound-case contract example with a person agent (a local case).
    static func agentCase(_ partner: Partner) throws -> JSONValue {
        let folder = Repository.contracts.appendingPathComponent("\(partner.rawValue)/examples/outbound-case")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        guard let name = names.first(where: { $0.hasPrefix("02-") && $0.contains("agent") }) else {
            throw EndToEndError("no outbound-case example 02-…agent… for \(partner.rawValue)")
        }
        let body = try JSONParser.parse(Array(Data(contentsOf: folder.appendingPathComponent("\(name)/input.json"))))
        guard body["agent"]?["idNumber"] != nil else { throw EndToEndError("\(name) has no agent") }
        return body
    }

    /// The bytes the simulator makes a partner's own cases from (`Simulator.ownCaseTemplate`).
    static func ownCaseTemplate(_ partner: Partner) throws -> [UInt8] {
        let folder = Repository.contracts.appendingPathComponent("\(partner.rawValue)/examples/inbound-case")
        guard let name = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().first(where: { $0.hasPrefix("01-") }) else {
            throw EndToEndError("no inbound-case example 01-… for \(partner.rawValue)")
        }
        for file in ["input.xml", "input.json"] {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent("\(name)/\(file)").path) { return Array(data) }
        }
        throw EndToEndError("\(name) has no input")
    }

    /// The same number with another check character (so one GB 11643 refuses).
    static func wrongCheckCharacter(_ id: String) -> String {
        String(id.dropLast()) + (id.last == "0" ? "1" : "0")
    }
}

// MARK: What the scenario leaves behind

struct Evidence: Sendable {
    var secrets: [Secret] = []
    var bodies = 0
    var refusals: [Refusal] = []
    var events: [Event] = []
}

struct Refusal: Sendable {
    var what: String
    var text: String
    var secrets: [Secret]
}

/// A log line that must be found: a message and `key=value` metadata.
struct Event: Sendable, CustomStringConvertible {
    var inGateway: Bool
    var message: String
    var metadata: [String: String]
    var level: String?

    static func delivery(_ caseID: String, transfer: Int, _ destination: String, outcome: String, level: String?) -> Event {
        Event(inGateway: true, message: "delivery attempt",
              metadata: ["case": caseID, "transfer": "\(transfer)", "destination": destination, "outcome": outcome], level: level)
    }

    func matches(_ line: String) -> Bool {
        guard line.hasSuffix("] " + message) else { return false }
        let tokens = line.split(separator: " ").map(String.init)
        if let level, tokens.dropFirst().first != level { return false }
        return metadata.allSatisfy { tokens.contains("\($0.key)=\($0.value)") }
    }

    var description: String {
        "\(level.map { "at \($0) " } ?? "")'\(message)' with " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}

/// One process's log, as `ChildProcess` wrote it (stdout and stderr together).
struct LogFile {
    var name: String
    var lines: [String]

    init(name: String, url: URL) {
        self.name = name
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// At least a line per case for the gateway (each is delivered, logged at trace/debug), and
    /// the simulator's start, fault changes and cases taken.
    func minimumLines(_ evidence: Evidence) -> Int {
        name == "gateway" ? max(40, evidence.events.filter(\.inGateway).count * 2) : 15
    }

    /// `2026-11-20T09:30:00+0800 info tongban: key=value … [Module] message` (swift-log's stream handler).
    static func isStructured(_ line: String) -> Bool {
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count == 3, parts[0].count == 24, parts[0].dropFirst(10).first == "T",
              ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(String(parts[1])),
              let colon = parts[2].firstIndex(of: ":"), !parts[2][..<colon].contains(" ") else { return false }
        return parts[2].contains("] ") && parts[2].contains(" [")
    }

    func maskedTail(_ secrets: [Secret]) -> String {
        "--- \(name) log (end, personal data masked)\n" + lines.suffix(40).map { Secret.masking($0, secrets) }.joined(separator: "\n")
    }
}

// MARK: Personal values

/// One personal value that must never appear in full, and whose it is (without the value).
struct Secret: Sendable, Hashable {
    enum Kind: String, CaseIterable, Sendable {
        case idNumber = "ID number"
        case phone
        case name
        case address
    }

    var kind: Kind
    var value: String
    var owner: String

    /// ID numbers regardless of the case of `X`; everything else exactly.
    func occurs(in text: String) -> Bool {
        kind == .idNumber ? text.uppercased().contains(value.uppercased()) : text.contains(value)
    }

    /// The value as it may be shown: ID number first 6 and last 1, phone first 3 and last 2, the
    /// rest `*` each; name its first character and one `*`; address its first 3 characters and `***`.
    var masked: String {
        let characters = Array(value)
        func keep(_ head: Int, _ tail: Int) -> String {
            guard characters.count > head + tail else { return String(repeating: "*", count: characters.count) }
            return String(characters.prefix(head)) + String(repeating: "*", count: characters.count - head - tail) + String(characters.suffix(tail))
        }
        switch kind {
        case .idNumber: return keep(6, 1)
        case .phone: return keep(3, 2)
        case .name: return String(characters.prefix(1)) + "*"
        case .address: return String(characters.prefix(3)) + "***"
        }
    }

    /// `text` with every value of `secrets` in it masked, longest values first.
    static func masking(_ text: String, _ secrets: [Secret]) -> String {
        var text = text
        for secret in secrets.sorted(by: { $0.value.count > $1.value.count }) {
            text = text.replacingOccurrences(of: secret.value, with: secret.masked, options: .caseInsensitive)
        }
        return text
    }

    /// One secret per kind and value (the first owner named).
    static func unique(_ secrets: [Secret]) -> [Secret] {
        var seen = Set<String>()
        return secrets.filter { seen.insert("\($0.kind.rawValue)\u{0}\($0.kind == .idNumber ? $0.value.uppercased() : $0.value)").inserted }
    }

    /// The people of a canonical (local) case: every party (an object with an `idNumber`: the
    /// applicant, the agent) with its name, ID number, phone and address, and every `address`
    /// (the result delivery's); phones also by their digits alone.
    static func people(in json: JSONValue, owner: String, at path: String = "") -> [Secret] {
        switch json {
        case .object(let object):
            var found: [Secret] = []
            let isParty = object["idNumber"] != nil
            let who = isParty ? "the \(path.split(separator: ".").last.map(String.init) ?? "party") of \(owner)" : owner
            for (key, value) in object.entries {
                if let text = value.stringValue, !text.isEmpty {
                    switch key {
                    case "idNumber" where isParty: found.append(Secret(kind: .idNumber, value: text, owner: who))
                    case "name" where isParty && text.count >= 2: found.append(Secret(kind: .name, value: text, owner: who))
                    case "phone":
                        found.append(Secret(kind: .phone, value: text, owner: who))
                        let digits = String(text.filter(\.isASCIIDigit))
                        if digits != text, digits.count >= 7 { found.append(Secret(kind: .phone, value: digits, owner: who)) }
                    case "address": found.append(Secret(kind: .address, value: text, owner: who))
                    default: break
                    }
                }
                found += people(in: value, owner: owner, at: path + "." + key)
            }
            return found
        case .array(let items):
            return items.enumerated().flatMap { people(in: $0.element, owner: owner, at: path + ".\($0.offset)") }
        default:
            return []
        }
    }

    /// ID-number-shaped (17 digits and a digit or X) and mobile-shaped (11 digits, 13… to 19…)
    /// tokens of a raw body's strings, tokens being runs of ASCII letters and digits.
    static func shaped(in strings: [String], owner: String) -> [Secret] {
        var found: [Secret] = []
        for string in strings {
            for token in string.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }) {
                let chars = Array(token)
                if chars.count == 18, chars.prefix(17).allSatisfy(\.isASCIIDigit), chars[17].isASCIIDigit || chars[17] == "X" || chars[17] == "x" {
                    found.append(Secret(kind: .idNumber, value: String(token), owner: "an ID number in \(owner)"))
                } else if chars.count == 11, chars.allSatisfy(\.isASCIIDigit), chars[0] == "1", ("3"..."9").contains(chars[1]) {
                    found.append(Secret(kind: .phone, value: String(token), owner: "a phone in \(owner)"))
                }
            }
        }
        return found
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension [UInt8] {
    /// The strings of a raw partner body: JSON string values, or XML texts and attribute values.
    var strings: [String] {
        if let json = try? JSONParser.parse(self) { return json.strings }
        if let tree = try? XMLCodec.parse(self) { return tree.strings }
        return []
    }
}

extension JSONValue {
    var strings: [String] {
        switch self {
        case .string(let text): [text]
        case .object(let object): object.entries.flatMap { $0.value.strings }
        case .array(let items): items.flatMap(\.strings)
        default: []
        }
    }

    /// The case view's first transfer to `destination`.
    func transfer(to destination: String) -> JSONValue? {
        self["transfers"]?.arrayValue?.first { $0["destination"]?.stringValue == destination }
    }
}

extension XMLTree {
    var strings: [String] { root.strings }
}

extension XMLTree.Element {
    var strings: [String] { [text] + attributes.map(\.value) + children.flatMap(\.strings) }
}
