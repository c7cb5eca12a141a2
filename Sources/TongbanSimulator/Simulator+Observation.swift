import Hummingbird
import TongbanCore
import TongbanMappings

/// `/_sim`: what end-to-end tests read and switch.
///
/// - `GET /_sim/stats`: `{"henan-tongbai": {counters…}, "hubei-zaoyang": …, "xiangshisuishen": …, "local": …}`
///   (see `PartnerStats` for the counters).
/// - `GET /_sim/cases?partner=<name>`: `{"partner", "cases": [{caseNumber, partnerCaseNumber, matter,
///   region, version, status, partnerStatus, received, processed, supplements}], "own": [{caseNumber,
///   state, attempts, gatewayCaseNumber, refusal, statuses}]}`; for `local`, `{"partner": "local",
///   "cases": [{caseNumber, versions, received, processed, origin}], "statuses": [{caseNumber, statuses}]}`.
/// - `GET /_sim/control`: `{"faults": {<party>: {down, errorRate, permanentRate, latencyMs, duplicates, outOfOrder}}}`.
/// - `POST /_sim/control` with `{"partner": "<name>" | "all", "down": true, "errorRate": 0.2, …}`: changes
///   the members given (for every party when `partner` is absent or `all`) and answers as the GET.
extension Simulator {
    func addObservationRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.get("stats") { _, _ in Reply.json(await self.statsJSON()) }
        group.get("cases") { request, _ in
            guard let name = request.uri.queryParameters.get("partner"), let party = SimulatedParty(rawValue: name) else {
                return Reply.json(["error": "give ?partner= one of henan-tongbai, hubei-zaoyang, xiangshisuishen, local"], status: .badRequest)
            }
            return Reply.json(await self.casesJSON(party))
        }
        group.get("control") { _, _ in Reply.json(await self.faultsJSON()) }
        group.post("control") { request, _ in
            let body = try await request.bytes(limit: 64 << 10)
            guard let control = try? JSONParser.parse(body), case .object = control else {
                return Reply.json(["error": "the body is a JSON object such as {\"partner\": \"henan-tongbai\", \"down\": true}"], status: .badRequest)
            }
            var parties = SimulatedParty.allCases
            if let name = control["partner"]?.stringValue, name != "all" {
                guard let party = SimulatedParty(rawValue: name) else {
                    return Reply.json(.object(JSONObject([("error", .string("unknown partner \(name)"))])), status: .badRequest)
                }
                parties = [party]
            }
            do throws(ControlRequestError) {
                try await self.state.applyControl(control, to: parties)
            } catch {
                return Reply.json(.object(JSONObject([("error", .string(error.message))])), status: .badRequest)
            }
            self.logger.info("faults changed", metadata: ["parties": "\(parties.map(\.rawValue))", "request": "\(control.compactString)"])
            return Reply.json(await self.faultsJSON())
        }
    }

    func statsJSON() async -> JSONValue {
        var object = JSONObject()
        for party in SimulatedParty.allCases {
            let counters = await state.withBook(party) { $0.stats.json(casesHeld: $0.cases.count) }
            object.append(party.rawValue, counters)
        }
        return .object(object)
    }

    func casesJSON(_ party: SimulatedParty) async -> JSONValue {
        if party == .local { return await state.withLocal { records, _ in records.json } }
        let mapping = party == .tongbai ? tongbai : party == .zaoyang ? zaoyang : hub
        let now = clock.nowMillis()
        let (held, own) = await state.withBook(party) { ($0.heldCases, $0.own) }
        let cases = held.map { held in held.json(at: now, code: mapping.partnerCode(for: held.progression.current(at: now).status)) }
        return .object(JSONObject([("partner", .string(party.rawValue)), ("cases", .array(cases)), ("own", .array(own.map(\.json)))]))
    }

    func faultsJSON() async -> JSONValue {
        let faults = await state.allFaults()
        return .object(JSONObject([("faults", .object(JSONObject(SimulatedParty.allCases.map { (key: $0.rawValue, value: faults[$0]!.json) })))]))
    }
}

extension PartnerMapping {
    /// The partner's own code for a canonical status, from its `statuses` code list.
    func partnerCode(for status: CaseStatus) -> String? {
        guard case .string(let code)? = codeLists["statuses"]?.toPartner[status.rawValue] else { return nil }
        return code
    }
}
