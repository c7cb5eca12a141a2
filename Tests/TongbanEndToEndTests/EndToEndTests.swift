import Foundation
import Synchronization
import Testing
import TongbanCore
import TongbanHTTPClient
import TongbanPartners
import TongbanTesting

/// The gateway and the simulator as real processes talking HTTP: every partner style both ways,
/// duplicates, permanent refusals, bad signatures, a crash and an outage.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct EndToEndTests {
    static let pushedCourse = ["received", "accepted", "inProgress", "approved", "delivered"]

    // MARK: 1. All three partner styles, both directions

    @Test func everyPartnerStyleBothDirections() async throws {
        try await EndToEnd.run(simulator: ["--inbound", "1"]) { env in
            // Outbound: one case per partner, to its final status.
            var sent: [(Partner, String, String)] = []
            for partner in Partner.allCases {
                let number = env.caseNumber(String(partner.rawValue.prefix(2)))
                sent.append((partner, number, try await env.submitAccepted(partner, caseNumber: number)))
            }
            for (partner, number, id) in sent {
                let view = try await env.waitForCase(id, "\(partner.rawValue) case \(number) delivered") { $0["status"]?.stringValue == "delivered" }
                let applied = view.appliedStatuses
                if partner == .zaoyang {
                    // Polled: the statuses seen are those reached at poll times, in lifecycle order.
                    #expect(applied.map(\.status).allSatisfy(Self.pushedCourse.contains), "\(applied)")
                    #expect(applied.map(\.status) == Self.pushedCourse.filter { s in applied.contains { $0.status == s } })
                } else {
                    #expect(applied.map(\.status) == Self.pushedCourse, "\(partner.rawValue): \(applied)")
                }
                for entry in applied {
                    #expect(entry.partnerCode == partner.statusCodes[entry.status], "\(partner.rawValue) \(entry.status): \(entry.partnerCode ?? "nil")")
                }
                // A clean run keeps no stale, duplicate or impossible rows (a poll that finds
                // nothing new adds none either).
                let history = view["statusHistory"]?.arrayValue ?? []
                #expect(history.count == applied.count, "\(partner.rawValue) history: \(JSONValue.array(history).compactString)")
                let transfer = view["transfers"]?.arrayValue?.first { $0["destination"]?.stringValue == partner.rawValue }
                #expect(transfer?["state"]?.stringValue == "delivered")
                #expect(transfer?["attemptCount"]?.int == 1)

                let held = try #require(try await env.heldCase(partner, number), "\(partner.rawValue) never got \(number)")
                #expect(held["received"]?.int == 1, "\(partner.rawValue) \(held.compactString)")
                #expect(held["processed"]?.int == 1, "\(partner.rawValue) \(held.compactString)")
                #expect(held["status"]?.stringValue == "delivered")

                // The local system got each applied status once, in order.
                let expected = applied.map(\.status)
                let local = try await eventually("local statuses of \(number)") { () -> [String]? in
                    let statuses = try await env.localStatuses(number)
                    return statuses.count >= expected.count ? statuses : nil
                }
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await env.localStatuses(number) == expected, "local got \(local)")
            }

            // Polling stops once the case is final.
            let polls = try #require(try await env.stats(Partner.zaoyang.rawValue)["statusPolls"]?.int)
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try await env.stats(Partner.zaoyang.rawValue)["statusPolls"]?.int == polls, "Zaoyang still polled after the case was final")

            // Inbound: each partner's own case reaches the local system once.
            var own: [(Partner, String, String)] = []
            for partner in Partner.allCases {
                let number = try await eventually("\(partner.rawValue) own case taken") { () -> String? in
                    let entry = try await env.simulatorCases(partner.rawValue)["own"]?.arrayValue?.first
                    return entry?["state"]?.stringValue == "accepted" ? entry?["caseNumber"]?.stringValue : nil
                }
                let local = try await eventually("local system has \(number)") {
                    try await env.simulatorCases("local")["cases"]?.arrayValue?.first { $0["caseNumber"]?.stringValue == number }
                }
                #expect(local["received"]?.int == 1 && local["processed"]?.int == 1, "\(local.compactString)")
                let list = try await env.api("GET", "/v1/cases?direction=inbound&partner=\(partner.rawValue)").json["items"]?.arrayValue ?? []
                #expect(list.count == 1)
                let item = try #require(list.first { $0["caseNumber"]?.stringValue == number })
                own.append((partner, number, try #require(item["id"]?.stringValue)))
            }

            // Statuses the local system reports reach each partner its way: pushed to Tongbai,
            // on the hub's feed, answered to Zaoyang's polls. One status at a time, so Zaoyang's
            // poll sees each.
            let reports: [JSONValue] = [
                ["status": "accepted", "opinion": "予以受理"],
                ["status": "approved", "opinion": "准予许可", "result": ["name": "准予许可决定书", "number": "SX-JG-2026-000001"]],
                ["status": "delivered", "opinion": "结果已送达"],
            ]
            for report in reports {
                let status = report["status"]!.stringValue!
                for (partner, _, id) in own {
                    let answer = try await env.api("POST", "/v1/cases/\(id)/status", json: report.setting("at", .string(nowRFC3339())))
                    #expect(answer.status == 202, "\(partner.rawValue) \(status): \(answer.text)")
                    #expect(answer.json["outcome"]?.stringValue == "applied")
                }
                for (partner, number, _) in own {
                    let code = partner.statusCodes[status]!
                    _ = try await eventually("\(partner.rawValue) sees \(status) (\(code)) for \(number)") { () -> Bool? in
                        try await env.ownStatuses(partner, number).last == code ? true : nil
                    }
                }
            }
            for (partner, number, id) in own {
                // Pushed to Tongbai and offered on the hub's feed (each acknowledged), one transfer
                // per status; Zaoyang asks for them, so nothing is queued for it.
                let transfers = (try await env.caseView(id))["transfers"]?.arrayValue ?? []
                let toPartner = transfers.filter { $0["destination"]?.stringValue == partner.rawValue }
                #expect(toPartner.count == (partner == .zaoyang ? 0 : reports.count), "\(partner.rawValue): \(JSONValue.array(toPartner).compactString)")
                #expect(toPartner.allSatisfy { $0["kind"]?.stringValue == "status" && $0["state"]?.stringValue == "delivered" })
                let statuses = try await env.ownStatuses(partner, number)
                // Zaoyang polls before the first report too, and then sees 待受理 (0).
                let seen = partner == .zaoyang && statuses.first == "0" ? Array(statuses.dropFirst()) : statuses
                #expect(seen == ["accepted", "approved", "delivered"].map { partner.statusCodes[$0]! }, "\(partner.rawValue): \(statuses)")
            }
        }
    }

    // MARK: 2. Duplicates

    @Test func duplicateStatusMessagesAreRecognised() async throws {
        try await EndToEnd.run(simulator: ["--duplicates"]) { env in
            var sent: [(Partner, String, String)] = []
            for partner in [Partner.tongbai, .hub] {
                let number = env.caseNumber("dup")
                sent.append((partner, number, try await env.submitAccepted(partner, caseNumber: number)))
            }
            for (partner, number, id) in sent {
                let view = try await env.waitForCase(id, "\(partner.rawValue) case \(number) delivered") { $0["status"]?.stringValue == "delivered" }
                #expect(view.appliedStatuses.map(\.status) == Self.pushedCourse, "\(partner.rawValue): \(view.appliedStatuses)")
                // The second copy of each message is recognised by its message id and not processed:
                // no second history entry at all.
                let history = view["statusHistory"]?.arrayValue ?? []
                #expect(history.count == Self.pushedCourse.count, "\(partner.rawValue) history: \(JSONValue.array(history).compactString)")
                _ = try await eventually("local has all statuses of \(number)") {
                    try await env.localStatuses(number).count >= Self.pushedCourse.count ? true : nil
                }
            }
            try await Task.sleep(for: .milliseconds(500))

            // The rule on the wire: the same BWBH twice is answered JG=0, then JG=3 with the first
            // answer's YWLSH; the same hub msg_id twice is answered ok twice; each is kept once.
            let (_, tongbaiNumber, tongbaiID) = sent[0]
            let tongbaiView = try await env.caseView(tongbaiID)
            let tongbaiHandler = try #require(tongbaiView["partnerCaseNumber"]?.stringValue)
            let notice = try Self.tongbaiNotice(bwbh: "411330-E2E-\(env.runID)-ZT-000001", caseNumber: tongbaiNumber, handler: tongbaiHandler)
            let kstbURL = env.gatewayURL + "/partners/henan-tongbai/kstb/v2/receive"
            let kstbHeaders = [HTTPHeader("Content-Type", "application/xml; charset=UTF-8")]
            let firstReceipt = KSTBReceipt.parse(try await env.request("POST", kstbURL, headers: kstbHeaders, body: notice).body)
            let secondReceipt = KSTBReceipt.parse(try await env.request("POST", kstbURL, headers: kstbHeaders, body: notice).body)
            #expect(firstReceipt?.result == .accepted, "\(String(describing: firstReceipt))")
            #expect(secondReceipt?.result == .duplicate, "\(String(describing: secondReceipt))")
            #expect(secondReceipt?.caseNumber == tongbaiHandler)
            let tongbaiHistory = try await env.caseView(tongbaiID)["statusHistory"]?.arrayValue ?? []
            #expect(tongbaiHistory.count == Self.pushedCourse.count + 1, "\(JSONValue.array(tongbaiHistory).compactString)")

            let (_, hubNumber, hubID) = sent[1]
            let hubHandler = try #require(try await env.caseView(hubID)["partnerCaseNumber"]?.stringValue)
            let batch = try Self.hubStatusBatch(msgID: UUID().uuidString.lowercased(), caseNumber: hubNumber, handler: hubHandler)
            let hubURL = env.gatewayURL + "/partners/xiangshisuishen/statuses"
            let hubHeaders = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Authorization", "Bearer demo-hub-token-1")]
            for round in 1...2 {
                let answer = try await env.request("POST", hubURL, headers: hubHeaders, body: batch)
                #expect(answer.status == 200 && answer.json["results"]?.arrayValue?.first?["ok"] == .bool(true), "round \(round): \(answer.text)")
            }
            let hubHistory = try await env.caseView(hubID)["statusHistory"]?.arrayValue ?? []
            #expect(hubHistory.count == Self.pushedCourse.count + 1, "\(JSONValue.array(hubHistory).compactString)")

            for (partner, number, _) in sent {
                #expect(try await env.localStatuses(number) == Self.pushedCourse, "\(partner.rawValue)")
                let stats = try await env.stats(partner.rawValue)
                // Every status went twice, and the gateway took every one (JG 0/3, ok: true).
                #expect(stats["statusesAcknowledged"]?.int == Self.pushedCourse.count, "\(stats.compactString)")
                #expect(stats["statusesSent"]?.int == 2 * Self.pushedCourse.count, "\(stats.compactString)")
                #expect(stats["statusesAbandoned"]?.int == 0)
            }
        }
    }

    // MARK: 3. Permanent errors

    @Test func permanentRefusalsMakeDeadLettersWithoutRetries() async throws {
        try await EndToEnd.run { env in
            try await env.control(["partner": "henan-tongbai", "permanentRate": 1])
            try await env.control(["partner": "hubei-zaoyang", "permanentRate": 1])
            let expectations: [(Partner, code: String, answer: String)] = [(.tongbai, "1", "JG=1"), (.zaoyang, "4001", "4001")]
            var sent: [(Partner, String, String, String)] = []
            for (partner, code, answer) in expectations {
                sent.append((partner, code, answer, try await env.submitAccepted(partner, caseNumber: env.caseNumber("perm"))))
            }
            for (partner, code, answer, id) in sent {
                let view = try await env.waitForCase(id, "\(partner.rawValue) transfer dead") { view in
                    view["transfers"]?.arrayValue?.first { $0["destination"]?.stringValue == partner.rawValue }?["state"]?.stringValue == "dead"
                }
                #expect(view["status"]?.stringValue == "deliveryFailed")
                let transfer = try #require(view["transfers"]?.arrayValue?.first { $0["destination"]?.stringValue == partner.rawValue })
                #expect(transfer["lastError"]?.stringValue?.contains(answer) == true, "\(transfer.compactString)")
                let attempts = transfer["attempts"]?.arrayValue ?? []
                #expect(attempts.count == 1, "\(transfer.compactString)")
                #expect(attempts.first?["outcome"]?.stringValue == "permanent")
                #expect(attempts.first?["partnerCode"]?.stringValue == code)
                #expect(attempts.first?["answer"]?.stringValue?.contains(answer) == true)
            }
            // Several retry periods later, still one attempt each, and one request at each partner.
            try await Task.sleep(for: .milliseconds(1500))
            for (partner, _, _, id) in sent {
                let transfer = try await env.caseView(id)["transfers"]?.arrayValue?.first { $0["destination"]?.stringValue == partner.rawValue }
                #expect(transfer?["attemptCount"]?.int == 1)
                let stats = try await env.stats(partner.rawValue)
                #expect(stats["messagesReceived"]?.int == 1, "\(partner.rawValue) \(stats.compactString)")
                #expect(stats["casesProcessed"]?.int == 0)
            }
        }
    }

    // MARK: 4. Bad signatures

    @Test func badZaoyangSignaturesAreRefusedAndNothingIsStored() async throws {
        try await EndToEnd.run { env in
            let url = env.gatewayURL + "/partners/hubei-zaoyang/api/v1/apas/submit"
            let template = try JSONParser.parse(Array(Data(contentsOf: Repository.zaoyangOwnCase)))
            func body(_ projid: String) -> [UInt8] { template.setting("projid", .string(projid)).serialized() }
            func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
            func headers(timestamp: Int64, nonce: String, sign: String) -> [HTTPHeader] {
                [HTTPHeader("Content-Type", "application/json"), HTTPHeader("X-App-Id", EndToEnd.zaoyangAppID),
                 HTTPHeader("X-Timestamp", String(timestamp)), HTTPHeader("X-Nonce", nonce), HTTPHeader("X-Sign", sign)]
            }
            func signed(_ bytes: [UInt8], timestamp: Int64, nonce: String, secret: [UInt8] = EndToEnd.zaoyangSecret) -> [HTTPHeader] {
                headers(timestamp: timestamp, nonce: nonce,
                        sign: APASSignature.sign(appID: EndToEnd.zaoyangAppID, secret: secret, timestamp: timestamp, nonce: nonce, body: bytes))
            }
            func expectRefused(_ answer: EndToEnd.Answer, _ what: String) {
                #expect(answer.status == 401, "\(what): HTTP \(answer.status) \(answer.text)")
                #expect(answer.json["code"]?.int == 4011, "\(what): \(answer.text)")
            }

            // A wrong X-Sign: signed with another secret, and a signature of another body.
            let wrongSecret = env.caseNumber("sig")
            expectRefused(try await env.request("POST", url, headers: signed(body(wrongSecret), timestamp: now(), nonce: APASSignature.randomNonce(),
                                                                            secret: Array("not-the-secret".utf8)), body: body(wrongSecret)), "wrong secret")
            let otherBody = env.caseNumber("sig")
            expectRefused(try await env.request("POST", url, headers: signed(body("something-else"), timestamp: now(), nonce: APASSignature.randomNonce()),
                                                body: body(otherBody)), "signature of another body")
            // A stale timestamp (301 s old, properly signed), and one from the future.
            let stale = env.caseNumber("sig")
            expectRefused(try await env.request("POST", url, headers: signed(body(stale), timestamp: now() - 301_000, nonce: APASSignature.randomNonce()),
                                                body: body(stale)), "stale timestamp")
            let future = env.caseNumber("sig")
            expectRefused(try await env.request("POST", url, headers: signed(body(future), timestamp: now() + 301_000, nonce: APASSignature.randomNonce()),
                                                body: body(future)), "future timestamp")

            // A valid request is taken; its exact replay, and the same nonce on a new, properly
            // signed request, are refused.
            let valid = env.caseNumber("sig")
            let nonce = APASSignature.randomNonce()
            let validHeaders = signed(body(valid), timestamp: now(), nonce: nonce)
            let first = try await env.request("POST", url, headers: validHeaders, body: body(valid))
            #expect(first.status == 200 && first.json["code"]?.int == 0, "valid request: \(first.text)")
            expectRefused(try await env.request("POST", url, headers: validHeaders, body: body(valid)), "exact replay")
            let replayed = env.caseNumber("sig")
            expectRefused(try await env.request("POST", url, headers: signed(body(replayed), timestamp: now(), nonce: nonce), body: body(replayed)),
                          "reused nonce")
            // A signed status poll is refused the same way when replayed.
            let unid = try #require(first.json["data"]?["unid"]?.stringValue)
            let pollURL = env.gatewayURL + "/partners/hubei-zaoyang/api/v1/apas/\(unid)/status"
            let pollHeaders = signed([], timestamp: now(), nonce: APASSignature.randomNonce())
            let poll = try await env.request("GET", pollURL, headers: pollHeaders)
            #expect(poll.status == 200 && poll.json["code"]?.int == 0, "poll: \(poll.text)")
            expectRefused(try await env.request("GET", pollURL, headers: pollHeaders), "replayed poll")

            // Only the valid case is stored, once; the local system gets only it.
            let inbound = try await env.api("GET", "/v1/cases?direction=inbound&partner=hubei-zaoyang&limit=500").json["items"]?.arrayValue ?? []
            #expect(inbound.compactMap { $0["caseNumber"]?.stringValue } == [valid])
            _ = try await eventually("local system has \(valid)") {
                try await env.simulatorCases("local")["cases"]?.arrayValue?.first { $0["caseNumber"]?.stringValue == valid }
            }
            try await Task.sleep(for: .milliseconds(300))
            let local = try await env.simulatorCases("local")["cases"]?.arrayValue ?? []
            #expect(local.compactMap { $0["caseNumber"]?.stringValue } == [valid])
        }
    }

    // MARK: 5. Crash

    @Test func aCrashLosesNoAcceptedCaseAndDuplicatesNone() async throws {
        try await EndToEnd.run { env in
            // A little latency at Tongbai keeps deliveries in flight, so the kill lands mid-delivery.
            try await env.control(["partner": "henan-tongbai", "latencyMs": 20])
            let accepted = Shared<[String]>([])
            let failed = Shared(0)
            let stop = Shared(false)
            let submitters = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<3 {
                        group.addTask {
                            while !stop.withLock({ $0 }) {
                                let number = env.caseNumber("crash")
                                if let answer = try? await env.submit(.tongbai, caseNumber: number), answer.status == 202 {
                                    accepted.withLock { $0.append(number) }
                                } else {
                                    failed.withLock { $0 += 1 }
                                    try? await Task.sleep(for: .milliseconds(20))
                                }
                            }
                        }
                    }
                }
            }
            // Let cases flow (and deliveries run) for a while, then kill the gateway mid-stream.
            try await Task.sleep(for: .milliseconds(1500))
            let beforeCrash = accepted.withLock { $0.count }
            await env.crashGateway()
            try await Task.sleep(for: .milliseconds(200))
            try await env.startGateway()
            try await Task.sleep(for: .milliseconds(300))
            stop.withLock { $0 = true }
            await submitters.value
            let numbers = accepted.withLock { $0 }
            #expect(beforeCrash > 0, "no case was accepted before the crash")
            #expect(numbers.count > beforeCrash, "no case was accepted after the restart")

            // Every case answered 202 reaches Tongbai, and is processed there exactly once.
            let wanted = Set(numbers)
            let missing = Shared(wanted.count)
            let held: [JSONValue]
            do {
                held = try await eventually("all \(numbers.count) accepted cases at Tongbai", timeout: .seconds(45), every: .milliseconds(250)) {
                    () -> [JSONValue]? in
                    let cases = try await env.simulatorCases(Partner.tongbai.rawValue)["cases"]?.arrayValue ?? []
                    let have = Set(cases.compactMap { $0["caseNumber"]?.stringValue })
                    missing.withLock { $0 = wanted.subtracting(have).count }
                    return wanted.isSubset(of: have) ? cases : nil
                }
            } catch {
                throw EndToEndError("\(error); \(missing.withLock { $0 }) of \(numbers.count) cases answered 202 never reached Tongbai")
            }
            for entry in held {
                #expect(entry["processed"]?.int == 1, "\(entry.compactString)")
                #expect((entry["received"]?.int ?? 0) >= 1)
            }
            let stats = try await env.stats(Partner.tongbai.rawValue)
            #expect(stats["casesProcessed"]?.int == held.count, "\(stats.compactString)")
            let resent = held.filter { ($0["received"]?.int ?? 0) > 1 }.count
            print("crash: \(numbers.count) accepted (\(beforeCrash) before the kill), \(failed.withLock { $0 }) submissions failed, "
                  + "\(held.count) held by Tongbai, \(resent) received more than once")
        }
    }

    // MARK: Zaoyang's rate limit

    @Test func aBurstOfZaoyangCasesStaysWithinItsRateLimit() async throws {
        try await EndToEnd.run { env in
            // 10 requests a second per appId; the gateway's deliveries and polls share one appId.
            var ids: [String] = []
            for _ in 0..<20 { ids.append(try await env.submitAccepted(.zaoyang, caseNumber: env.caseNumber("zy"))) }
            for id in ids {
                _ = try await env.waitForCase(id, "Zaoyang case \(id) final", timeout: .seconds(30)) { $0["status"]?.stringValue == "delivered" }
            }
            let stats = try await env.stats(Partner.zaoyang.rawValue)
            #expect(stats["casesProcessed"]?.int == ids.count)
            #expect(stats["rateLimited"]?.int == 0, "\(stats.compactString)")
        }
    }

    // MARK: 6. Outage

    @Test func anOutageOpensTheBreakerAndTheBacklogDrains() async throws {
        try await EndToEnd.run { env in
            let count = 30
            try await env.control(["partner": "henan-tongbai", "down": true])
            var ids: [String: String] = [:]
            for _ in 0..<count {
                let number = env.caseNumber("down")
                ids[number] = try await env.submitAccepted(.tongbai, caseNumber: number)
            }
            // The breaker opens after 3 failures; then one probe a second.
            _ = try await eventually("the first failures") {
                try await env.stats(Partner.tongbai.rawValue)["faultsInjected"]?.int ?? 0 >= 3 ? true : nil
            }
            try await Task.sleep(for: .seconds(3))
            let duringOutage = try #require(try await env.stats(Partner.tongbai.rawValue)["messagesReceived"]?.int)
            var attempts = 0
            for id in ids.values {
                let view = try await env.caseView(id)
                for transfer in view["transfers"]?.arrayValue ?? [] where transfer["destination"]?.stringValue == Partner.tongbai.rawValue {
                    attempts += transfer["attemptCount"]?.int ?? 0
                    #expect(transfer["state"]?.stringValue != "dead")
                }
            }
            // Without the breaker each of the 30 transfers would be tried every ~0.1–1 s: well
            // over 100 attempts in 3 s. With it: the first few, then a probe a second.
            #expect(attempts <= 15, "\(attempts) attempts during the outage")
            #expect(duringOutage <= 15, "\(duringOutage) requests reached Tongbai during the outage")
            #expect(attempts >= 3)

            try await env.control(["partner": "henan-tongbai", "down": false])
            let started = ContinuousClock.now
            let held = try await eventually("the backlog delivered", timeout: .seconds(20), every: .milliseconds(200)) { () -> [JSONValue]? in
                let cases = try await env.simulatorCases(Partner.tongbai.rawValue)["cases"]?.arrayValue ?? []
                return Set(cases.compactMap { $0["caseNumber"]?.stringValue }).isSuperset(of: ids.keys) ? cases : nil
            }
            let drained = ContinuousClock.now - started
            #expect(held.count == count)
            #expect(held.allSatisfy { $0["processed"]?.int == 1 }, "\(JSONValue.array(held).compactString)")
            for (number, id) in ids {
                let transfer = try await env.caseView(id)["transfers"]?.arrayValue?.first { $0["destination"]?.stringValue == Partner.tongbai.rawValue }
                #expect(transfer?["state"]?.stringValue == "delivered", "\(number): \(transfer?.compactString ?? "no transfer")")
            }
            print("outage: \(attempts) attempts for \(count) cases during 3 s down; backlog delivered in \(drained)")
        }
    }
}

/// A value several tasks read and change.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}

extension EndToEndTests {
    /// A KSTB `ZT` notice (`contracts/henan-tongbai/sample-status.xml`, UTF-8) saying a case was delivered.
    static func tongbaiNotice(bwbh: String, caseNumber: String, handler: String) throws -> [UInt8] {
        var text = try String(contentsOf: Repository.contracts.appendingPathComponent("henan-tongbai/sample-status.xml"), encoding: .utf8)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let now = formatter.string(from: Date())
        for (old, new) in [("411330-20261121-ZT-000042", bwbh), ("SX2026112000001", caseNumber), ("TB-2026-0087731", handler),
                           ("<ZTDM>07</ZTDM>", "<ZTDM>09</ZTDM>"), ("2026-11-21 10:00:05", now), ("2026-11-21 10:00:00", now),
                           ("<BJJG><JGZZMC>准予迁入证明</JGZZMC><JGZZBH>HN-TB-QR-2026-1187</JGZZBH></BJJG>", "")] {
            guard text.contains(old) else { throw EndToEndError("sample-status.xml no longer contains \(old)") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        return Array(text.utf8)
    }

    /// A hub status batch of one item (`contracts/xiangshisuishen/sample-status.json`) saying a case was delivered.
    static func hubStatusBatch(msgID: String, caseNumber: String, handler: String) throws -> [UInt8] {
        let sample = try JSONParser.parse(Array(Data(contentsOf: Repository.contracts.appendingPathComponent("xiangshisuishen/sample-status.json"))))
        let item = sample.setting("header.msg_id", .string(msgID)).setting("header.sent_at", .string(nowRFC3339()))
            .setting("body.case_no", .string(caseNumber)).setting("body.hub_case_no", .string(handler))
            .setting("body.state", "DELIVERED").setting("body.at", .string(nowRFC3339())).setting("body.result", nil)
        return JSONValue.object(JSONObject([("items", .array([item]))])).serialized()
    }
}

extension EndToEnd {
    /// Polls `GET /v1/cases/{id}` until `condition` holds; returns that view.
    func waitForCase(_ id: String, _ what: String, timeout: Duration = .seconds(20), _ condition: (JSONValue) -> Bool) async throws -> JSONValue {
        // Not `cond ? view : nil`: JSONValue takes a nil literal, and that would be `.null`, not "not yet".
        try await eventually(what, timeout: timeout) { () -> [JSONValue]? in
            let view = try await caseView(id)
            guard condition(view) else { return nil }
            return [view]
        }[0]
    }

    /// The canonical statuses the local system received for a case, in arrival order.
    func localStatuses(_ caseNumber: String) async throws -> [String] {
        let entry = try await simulatorCases("local")["statuses"]?.arrayValue?.first { $0["caseNumber"]?.stringValue == caseNumber }
        return entry?["statuses"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// The partner's own status codes received (or polled) for one of its own cases.
    func ownStatuses(_ partner: Partner, _ caseNumber: String) async throws -> [String] {
        let entry = try await simulatorCases(partner.rawValue)["own"]?.arrayValue?.first { $0["caseNumber"]?.stringValue == caseNumber }
        return entry?["statuses"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

extension Repository {
    /// A Zaoyang resident's case as Zaoyang sends it.
    static var zaoyangOwnCase: URL {
        contracts.appendingPathComponent("hubei-zaoyang/examples/inbound-case/01-zaoyang-resident-like-sample/input.json")
    }
}
