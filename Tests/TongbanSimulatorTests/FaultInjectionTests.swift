import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
import TongbanPartners
import TongbanTesting
@testable import TongbanSimulator

/// Faults switched at run time through `/_sim/control`.
@Suite struct FaultInjectionTests {
    static let tongbai = "/henan-tongbai/kstb/v2/receive"

    static func control(_ json: String) -> [UInt8] { Array(json.utf8) }

    @Test func downAnswers503UntilSwitchedBackAndOnlyForThatPartner() async throws {
        let clock = ManualClock()
        let simulator = try Fixture.simulator(clock: clock)
        let kstb = try Fixture.contract("henan-tongbai", TongbaiReceiveTests.golden)
        let apas = try ZaoyangTests.submission()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            let switched = try await client.post("/_sim/control", Self.control(#"{"partner": "henan-tongbai", "down": true}"#))
            #expect(switched.status == .ok)
            #expect(switched.json["faults"]?["henan-tongbai"]?["down"] == true)
            #expect(switched.json["faults"]?["hubei-zaoyang"]?["down"] == false)

            let refused = try await client.post(Self.tongbai, kstb)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "1")
            let other = try await client.post("/hubei-zaoyang/api/v1/apas/submit", apas, headers: signedHeaders(body: apas, now: clock.now))
            #expect(APASAnswer.parse(other.bytes)?.code == 0)

            _ = try await client.post("/_sim/control", Self.control(#"{"partner": "henan-tongbai", "down": false}"#))
            #expect(try await client.post(Self.tongbai, kstb).receipt?.result == .accepted)

            _ = try await client.post("/_sim/control", Self.control(#"{"down": true}"#))
            #expect(try await client.post("/local/cases", CaseFixtures.sample.serialized()).status == .serviceUnavailable)

            let stats = try await client.json("/_sim/stats")
            #expect(stats["henan-tongbai"]?["faultsInjected"] == 1)
            #expect(stats["henan-tongbai"]?["casesProcessed"] == 1)
            #expect(stats["henan-tongbai"]?["messagesReceived"] == 2)
        }
    }

    @Test func anErrorRateOfOneNeverTakesTheMessage() async throws {
        let simulator = try Fixture.simulator()
        let kstb = try Fixture.contract("henan-tongbai", TongbaiReceiveTests.golden)
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            _ = try await client.post("/_sim/control", Self.control(#"{"partner": "henan-tongbai", "errorRate": 1}"#))
            for _ in 0..<6 {
                let response = try await client.post(Self.tongbai, kstb)
                if response.status == .ok {
                    #expect(response.receipt?.result == .busy)
                } else {
                    #expect(response.status == .serviceUnavailable)
                }
            }
            #expect(try await client.json("/_sim/cases?partner=henan-tongbai")["cases"]?.arrayValue?.isEmpty == true)
            #expect(try await client.json("/_sim/stats")["henan-tongbai"]?["faultsInjected"] == 6)
        }
    }

    @Test func aPermanentRateOfOneRefusesWithJG1AndCode4001() async throws {
        let clock = ManualClock()
        let simulator = try Fixture.simulator(clock: clock)
        let kstb = try Fixture.contract("henan-tongbai", TongbaiReceiveTests.golden)
        let apas = try ZaoyangTests.submission()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            _ = try await client.post("/_sim/control", Self.control(#"{"permanentRate": 1}"#))
            #expect(try await client.post(Self.tongbai, kstb).receipt?.result == .malformed)
            let answer = try await client.post("/hubei-zaoyang/api/v1/apas/submit", apas, headers: signedHeaders(body: apas, now: clock.now))
            #expect(APASAnswer.parse(answer.bytes)?.code == 4001)
            #expect(try await client.post("/local/cases", CaseFixtures.sample.serialized()).status == .unprocessableContent)
        }
    }

    @Test func refusesAControlRequestItCannotApply() async throws {
        let simulator = try Fixture.simulator()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            #expect(try await client.post("/_sim/control", Self.control(#"{"errorRate": 2}"#)).status == .badRequest)
            #expect(try await client.post("/_sim/control", Self.control(#"{"partner": "nowhere", "down": true}"#)).status == .badRequest)
            #expect(try await client.post("/_sim/control", Self.control(#"{"down": "yes"}"#)).status == .badRequest)
            let faults = try await client.json("/_sim/control")["faults"]
            #expect(faults?["local"]?["down"] == false)
            #expect(faults?["henan-tongbai"]?["errorRate"] == 0)
        }
    }

    @Test func latencyDelaysTheAnswer() async throws {
        let simulator = try Fixture.simulator()
        try await Application(router: simulator.makeRouter()).test(.router) { client in
            _ = try await client.post("/_sim/control", Self.control(#"{"partner": "local", "latencyMs": 300}"#))
            let started = ContinuousClock.now
            #expect(try await client.post("/local/statuses", CaseFixtures.status.serialized()).status == .noContent)
            #expect(ContinuousClock.now - started >= .milliseconds(300))
        }
    }
}
