import Foundation
import TongbanCore
import TongbanPartners
import TongbanXML

/// The partners' own residents' cases (the other direction of every agreement). Each is made
/// from the partner's first inbound-case contract example
/// (`contracts/<partner>/examples/inbound-case/01-…/input.*`, a case of the partner's own
/// resident at its own window, which the gateway's inbound mapping is known to take), with a
/// fresh case number and message number per copy.
extension Simulator {
    /// Makes `inboundCasesPerPartner` own cases per partner, ready for `sendOwnCases`.
    func prepareOwnCases() async throws(SimulatorSetupError) {
        let count = configuration.inboundCasesPerPartner
        guard count > 0 else { return }
        let made = (try tongbaiOwnCases(count), try zaoyangOwnCases(count), try hubOwnCases(count))
        await state.withBook(.tongbai) { book in made.0.forEach { book.addOwn($0) } }
        await state.withBook(.zaoyang) { book in made.1.forEach { book.addOwn($0) } }
        await state.withBook(.hub) { book in made.2.forEach { book.addOwn($0) } }
        logger.info("own cases ready", metadata: ["perPartner": "\(count)"])
    }

    /// One round: sends every own case not yet taken, and polls Zaoyang for the status of
    /// its taken cases that are not final (pacing Zaoyang's calls to its own rate limit).
    func sendOwnCases() async {
        let pause = Duration.milliseconds(1000 / Int64(max(1, configuration.zaoyangRequestsPerSecond)))
        for party in [SimulatedParty.tongbai, .zaoyang, .hub] {
            guard await !state.faultSettings(party).down else { continue }
            let own = await state.withBook(party) { $0.own }
            let pending = own.filter { $0.state == .pending }
            switch party {
            case .tongbai:
                for ownCase in pending { await sendTongbaiOwnCase(ownCase) }
            case .zaoyang:
                for ownCase in pending {
                    await sendZaoyangOwnCase(ownCase)
                    try? await Task.sleep(for: pause)
                }
                for ownCase in own where ownCase.state == .accepted && !isFinalZaoyangState(ownCase.statuses.last) {
                    await pollZaoyangOwnCase(ownCase)
                    try? await Task.sleep(for: pause)
                }
            case .hub:
                for start in stride(from: 0, to: pending.count, by: Self.hubBatchLimit) {
                    await sendHubOwnCases(Array(pending[start..<min(start + Self.hubBatchLimit, pending.count)]))
                }
            case .local:
                break
            }
        }
    }

    func tongbaiOwnCases(_ count: Int) throws(SimulatorSetupError) -> [OwnCase] {
        let template = try ownCaseTemplate(.tongbai)
        let sendTime: String
        do { sendTime = try TimePattern("yyyy-MM-dd HH:mm:ss").format(clock.timestamp(), offsetSeconds: Timestamp.chinaStandardTimeOffset) } catch {
            throw SimulatorSetupError("KSTB time pattern: \(error)")
        }
        var message: KSTBMessage
        do { message = KSTBMessage(try XMLCodec.parse(template)) } catch { throw SimulatorSetupError("the Tongbai sample case does not parse: \(error)") }
        var cases: [OwnCase] = []
        for index in 1...count {
            let number = "\(tongbai.agreement.divisions[0])-SIM-\(runID)-\(Numbering.padded(index, width: 6))"
            let caseNumber = "TB-SIM-\(runID)-\(Numbering.padded(index, width: 4))"
            message.setText(number, "BWT", "BWBH")
            message.setText(sendTime, "BWT", "FSSJ")
            message.setText(caseNumber, "SBXX", "SBLSH")
            let payload: [UInt8]
            do { payload = try XMLCodec.serialize(message.tree, encoding: tongbai.agreement.encoding.rawValue, prefixes: [KSTBReceipt.namespace: ""]) } catch {
                throw SimulatorSetupError("cannot write a Tongbai own case: \(error)")
            }
            try requireValid(payload, .tongbai)
            cases.append(OwnCase(caseNumber: caseNumber, messageID: number, payload: payload))
        }
        return cases
    }

    func zaoyangOwnCases(_ count: Int) throws(SimulatorSetupError) -> [OwnCase] {
        let template = try ownCaseJSON(.zaoyang)
        var cases: [OwnCase] = []
        for index in 1...count {
            let projid = "ZY-SIM-\(runID)-\(Numbering.padded(index, width: 4))"
            let payload = template.replacing(["projid"], with: .string(projid)).serialized()
            try requireValid(payload, .zaoyang)
            cases.append(OwnCase(caseNumber: projid, messageID: projid, payload: payload))
        }
        return cases
    }

    func hubOwnCases(_ count: Int) throws(SimulatorSetupError) -> [OwnCase] {
        let template = try ownCaseJSON(.hub)
        let sentAt = clock.timestamp().rfc3339()
        var cases: [OwnCase] = []
        for index in 1...count {
            let id = MessageID.random()
            let caseNumber = "XSSS-SIM-\(runID)-\(Numbering.padded(index, width: 4))"
            let payload = template
                .replacing(["header", "msg_id"], with: .string(id))
                .replacing(["header", "sent_at"], with: .string(sentAt))
                .replacing(["body", "case_no"], with: .string(caseNumber))
                .serialized()
            try requireValid(payload, .hub)
            cases.append(OwnCase(caseNumber: caseNumber, messageID: id, payload: payload))
        }
        return cases
    }

    /// The bytes of the partner's first inbound-case example.
    func ownCaseTemplate(_ party: SimulatedParty) throws(SimulatorSetupError) -> [UInt8] {
        let folder = configuration.contracts.appendingPathComponent(party.rawValue).appendingPathComponent("examples/inbound-case")
        let examples = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        guard let first = examples.first(where: { $0.hasPrefix("01-") }) else {
            throw SimulatorSetupError("no inbound-case example 01-… under \(folder.path): the partner's own cases are made from it")
        }
        let exampleFolder = folder.appendingPathComponent(first)
        for name in ["input.xml", "input.json"] {
            if let data = FileManager.default.contents(atPath: exampleFolder.appendingPathComponent(name).path) { return Array(data) }
        }
        throw SimulatorSetupError("\(exampleFolder.path) has no input.xml or input.json")
    }

    func ownCaseJSON(_ party: SimulatedParty) throws(SimulatorSetupError) -> JSONValue {
        let bytes = try ownCaseTemplate(party)
        do { return try JSONParser.parse(bytes) } catch { throw SimulatorSetupError("the \(party.rawValue) sample case is not JSON: \(error)") }
    }

    /// Every own case must pass the partner's own schema before it is sent.
    func requireValid(_ payload: [UInt8], _ party: SimulatedParty) throws(SimulatorSetupError) {
        let mapping = party == .tongbai ? tongbai : party == .zaoyang ? zaoyang : hub
        let issues = mapping.partnerSchemaIssues(payload, kind: .case)
        guard issues.isEmpty else { throw SimulatorSetupError("an own \(party.rawValue) case fails the partner schema at \(Self.issuePaths(issues))") }
    }
}

extension JSONValue {
    /// A copy with the member at `path` (object keys) set to `value`.
    func replacing(_ path: ArraySlice<String>, with value: JSONValue) -> JSONValue {
        guard let key = path.first, case .object(var object) = self else { return path.isEmpty ? value : self }
        object[key] = (object[key] ?? .null).replacing(path.dropFirst(), with: value)
        return .object(object)
    }

    func replacing(_ path: [String], with value: JSONValue) -> JSONValue { replacing(path[...], with: value) }
}
