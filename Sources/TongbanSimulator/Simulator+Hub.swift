import Foundation
import ServiceLifecycle
import TongbanCore
import TongbanHTTPClient
import TongbanMappings
import TongbanPartners

/// The 襄十随神 hub, which only calls out: it pulls the gateway's feed every
/// `hubPollInterval` (at once again while pages come back full), checks each envelope against
/// its schema, drops duplicates by `msg_id`, takes cases, supplements, withdrawals and statuses
/// of its own cases, and acknowledges what it took.
extension Simulator {
    /// Polls until cancelled or shut down gracefully.
    func runHubFeed() async {
        let interval = configuration.hubPollInterval
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if await !self.pollHubFeed() { try await Task.sleep(for: interval) }
            }
        }
    }

    /// Fetches, takes and acknowledges one feed page. True when the page was full, so the
    /// next one should be fetched at once.
    @discardableResult
    func pollHubFeed() async -> Bool {
        let faults = await state.faultSettings(.hub)
        guard !faults.down else { return false }
        if faults.latency > .zero { try? await Task.sleep(for: faults.latency) }
        let cursor = await state.feedCursor ?? ""
        let after = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let pageSize = configuration.hubPageSize
        guard let response = await call(hubRequest("GET", "feed?after=\(after)&limit=\(pageSize)")), response.status == 200,
              let page = try? JSONParser.parse(response.body), let items = page["items"]?.arrayValue,
              let next = page["next"]?.stringValue else {
            logger.debug("hub feed poll failed")
            return false
        }
        await state.withBook(.hub) { book in
            book.stats.feedPolls += 1
            book.stats.feedItems += items.count
        }
        var taken = await state.takeOwedAcks()
        for item in items {
            if let id = await takeFeedItem(item), !taken.contains(id) { taken.append(id) }
        }
        if !taken.isEmpty {
            if case .transient? = faults.draw() {
                await state.countFault(.hub)
                await state.withBook(.hub) { $0.stats.acksLost += 1 }
            } else {
                await acknowledge(taken)
            }
        }
        await state.advanceFeed(to: next)
        return items.count >= pageSize
    }

    /// Takes one envelope; returns its `msg_id` to acknowledge (nil when it has none). An
    /// envelope failing the schema is acknowledged too, into the hub's own error list, so the
    /// gateway stops handing it out.
    func takeFeedItem(_ item: JSONValue) async -> String? {
        guard let id = item["header"]?["msg_id"]?.stringValue else {
            await state.withBook(.hub) { $0.stats.feedItemsInvalid += 1 }
            return nil
        }
        let issues = hub.partnerSchemaIssues(item.serialized(), kind: .case)
        guard issues.isEmpty else {
            await state.withBook(.hub) { $0.stats.feedItemsInvalid += 1 }
            logger.warning("hub feed item fails the hub schema", metadata: ["msg_id": "\(id)", "at": "\(Self.issuePaths(issues))"])
            return id
        }
        let type = item["header"]?["msg_type"]?.stringValue ?? ""
        let body = item["body"] ?? .null
        let caseNumber = body["case_no"]?.stringValue ?? ""
        let now = clock.nowMillis()
        if type == "case.status" {
            let code = body["state"]?.stringValue ?? ""
            await state.withBook(.hub) { book in
                guard book.recall(message: id) == nil else { return }
                if !book.recordOwnStatus(caseNumber, code: code, onlyChanges: false) { book.stats.refusals += 1 }
                book.remember(message: id, caseNumber: nil, answer: nil)
            }
            return id
        }
        let newCase = hubHeldCase(body, header: item["header"] ?? .null, now: now)
        let withdrawReason = "申请人撤回"
        await state.withBook(.hub) { book in
            guard book.recall(message: id) == nil else { return }
            var answer: String?
            switch type {
            case "case.withdraw":
                answer = book.withdraw(caseNumber, at: now, reason: withdrawReason)?.partnerCaseNumber
                if answer == nil { book.stats.refusals += 1 }
            case "case.supplement":
                let version = body["version"]?.integerValue.map { Int($0) }
                answer = book.supplement(caseNumber, version: version)
                if answer == nil { answer = book.take(newCase(book.nextSequence())) }
            default:
                answer = book.take(newCase(book.nextSequence()))
            }
            book.remember(message: id, caseNumber: caseNumber, answer: answer)
        }
        return id
    }

    /// A held case from a hub case body, numbered by the handling city; a matter outside the
    /// agreement is rejected at once (the hub has no synchronous answer to refuse it with).
    func hubHeldCase(_ body: JSONValue, header: JSONValue, now: Int64) -> @Sendable (Int) -> HeldCase {
        let caseNumber = body["case_no"]?.stringValue ?? ""
        let matter = body["item"]?["code"]?.stringValue ?? ""
        let matterName = body["item"]?["name"]?.stringValue ?? matter
        let city = body["target_city"]?.stringValue ?? header["to"]?.stringValue ?? hub.agreement.divisions[0]
        let version = body["version"]?.integerValue.map { Int($0) } ?? 1
        let known = hub.matters.toLocal[matter] != nil
        let step = stepMillis
        return { sequence in
            let prefix = Self.hubCityPrefixes[city] ?? "XSSS"
            let progression: StatusProgression = known
                ? .approval(startingAt: now, stepMillis: step, resultName: matterName + "准予许可决定书",
                            resultNumber: "\(prefix)-JG-\(Numbering.year(now))-\(Numbering.padded(sequence, width: 6))")
                : .rejection(at: now, reason: "事项 \(matter) 不在协议范围内")
            return HeldCase(caseNumber: caseNumber, partnerCaseNumber: "\(prefix)-\(Numbering.day(now))-\(Numbering.padded(sequence, width: 5))",
                            matter: matter, region: city, version: version, progression: progression)
        }
    }

    /// The prefixes of the four cities' own case numbers (`SY-20261121-00042` in the sample).
    static let hubCityPrefixes = ["420600": "XY", "420300": "SY", "421300": "SZ", "429021": "SNJ"]

    /// Acknowledges taken items; ones the call could not deliver are sent with the next page's.
    func acknowledge(_ ids: [String]) async {
        let body = JSONValue.object(JSONObject([("msg_ids", .array(ids.map(JSONValue.string)))])).serialized()
        guard let response = await call(hubRequest("POST", "ack", body: body)), response.status == 200 else {
            await state.oweAcks(ids)
            return
        }
    }

    /// A call to the gateway's hub endpoints with the hub's bearer token.
    func hubRequest(_ method: String, _ path: String, body: [UInt8] = []) -> HTTPClientRequest {
        var headers = [HTTPHeader("Authorization", "Bearer \(configuration.hubToken)")]
        if method == "POST" { headers.append(HTTPHeader("Content-Type", "application/json")) }
        return HTTPClientRequest(method: method, url: gatewayURL(.hub, path), headers: headers, body: body)
    }
}
