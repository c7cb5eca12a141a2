import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanStorage
import TongbanTesting

/// Guessing console passwords: five wrong ones for a name from one address within 15 minutes
/// lock that name at that address for 15 minutes, during which even the right password is
/// refused with 429 and `Retry-After`; an address failing for many names, and a name failing
/// from many addresses, are locked too. Tests without a peer address (`.test(.router)` alone)
/// are all one address.
@Suite("Console: repeated wrong passwords lock the name")
struct ConsoleLockoutTests {
    static func actions(_ harness: GatewayHarness) async throws -> [String] {
        try await harness.store.read { try $0.messageLog(after: 0, limit: 500) }
            .filter { $0.direction == .action }.map { "\($0.actor) \($0.result ?? "")" }
    }

    @Test("the fifth wrong password locks the name for 15 minutes: 429 with Retry-After, the right password refused too, other names unaffected; logged without the password; it ends by itself")
    func lockout() async throws {
        let capture = CapturedLog()
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators, logger: capture.logger)
        let wrong = "wrong-guess-\(UUID().uuidString)"
        try await harness.application().test(.router) { client in
            for _ in 1...4 { #expect(try await ConsoleTests.login(client, "duty", wrong).status == .unauthorized) }
            harness.advance(.seconds(600))  // still within the 15 minutes of the first
            let fifth = try await ConsoleTests.login(client, "duty", wrong)
            #expect(fifth.status == .tooManyRequests && fifth.headers[.retryAfter] == "900")

            let right = try await ConsoleTests.login(client, "duty")
            #expect(right.status == .tooManyRequests && right.browser == nil, "the right password is refused while the lock lasts")
            #expect(right.headers[.retryAfter] == "900")
            #expect(ConsoleTests.cookie(Console.sessionCookie, in: right.headers) == nil)
            #expect(try await ConsoleTests.login(client, "watcher").browser != nil, "another operator logs in as usual")

            harness.advance(.seconds(899))
            let late = try await ConsoleTests.login(client, "duty")
            #expect(late.status == .tooManyRequests && late.headers[.retryAfter] == "1")
            harness.advance(.seconds(1))
            #expect(try await ConsoleTests.login(client, "duty").browser != nil, "the lock has ended")
        }
        #expect(try await Self.actions(harness) == Array(repeating: "operator:duty failed", count: 5)
            + ["operator:duty locked", "operator:watcher ok", "operator:duty ok"],
            "each failure and the lock are in the message log; the refusals while locked are not")
        let lines = capture.all
        #expect(lines.filter { $0.text.contains("console login failed") && $0.text.contains("name=duty") }.count == 4)
        #expect(lines.contains { $0.level == .warning && $0.text.contains("console login locked") && $0.text.contains("name=duty") })
        #expect(!lines.contains { $0.text.contains(wrong) || $0.text.contains(ConsoleTests.password) }, "no password in the log")
        let bodies = try await harness.store.read { try $0.messageLog(after: 0, limit: 500) }.compactMap(\.body).map(\.text)
        #expect(!bodies.contains { $0.contains(wrong) }, "the message log keeps no login body")
    }

    @Test("failures more than 15 minutes apart do not add up, and a successful login clears them")
    func window() async throws {
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators)
        try await harness.application().test(.router) { client async throws in
            for _ in 1...4 { #expect(try await ConsoleTests.login(client, "duty", "wrong").status == .unauthorized) }
            harness.advance(.seconds(15 * 60))
            #expect(try await ConsoleTests.login(client, "duty", "wrong").status == .unauthorized, "the first four are out of the window")
            for _ in 1...3 { #expect(try await ConsoleTests.login(client, "duty", "wrong").status == .unauthorized) }
            #expect(try await ConsoleTests.login(client, "duty").browser != nil)
            for _ in 1...4 { #expect(try await ConsoleTests.login(client, "duty", "wrong").status == .unauthorized, "the success cleared the count") }
            #expect(try await ConsoleTests.login(client, "duty", "wrong").status == .tooManyRequests)
        }
    }

    @Test("a name no operator has is locked the same way, so a lock tells nothing; the process log does not repeat what was typed")
    func unknownName() async throws {
        let capture = CapturedLog()
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators, logger: capture.logger)
        let typed = "typed-into-the-name-field-\(UUID().uuidString)"
        try await harness.application().test(.router) { client in
            for _ in 1...4 { #expect(try await ConsoleTests.login(client, typed, "x").status == .unauthorized) }
            let fifth = try await ConsoleTests.login(client, typed, "x")
            #expect(fifth.status == .tooManyRequests && fifth.headers[.retryAfter] == "900")
        }
        #expect(!capture.all.contains { $0.text.contains(typed) })
        #expect(capture.all.contains { $0.text.contains("console login locked") && $0.text.contains("not an operator's name") })
    }

    @Test("a new password for the account (a reload with a new passwordHash) ends its lock")
    func newPasswordEndsTheLock() async throws {
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators)
        let newPassword = "a new password for duty, long enough"
        let newHash = try PasswordHash.make(newPassword, logRounds: 10).encoded
        try await harness.application().test(.router) { client in
            for _ in 1...5 { _ = try await ConsoleTests.login(client, "duty", "wrong") }
            #expect(try await ConsoleTests.login(client, "duty").status == .tooManyRequests)
            _ = try CredentialRotationTests.reloaded(harness) {
                $0.replacingOccurrences(of: "duty: {role: operator, tokenSha256: 61112491d046c3f6f8ab801f170d9b2d0c734a17ceff60dee92123fb507cfc3f, passwordHash: \"\(ConsoleTests.hash)\"}",
                                        with: "duty: {role: operator, tokenSha256: 61112491d046c3f6f8ab801f170d9b2d0c734a17ceff60dee92123fb507cfc3f, passwordHash: \"\(newHash)\"}")
            }
            #expect(try await ConsoleTests.login(client, "duty", newPassword).browser != nil)
        }
    }

    @Test("a guesser at one address locks the name only there: the operator at another address logs in as usual, the right password from the guesser's address is refused")
    func anotherAddress() async throws {
        let capture = CapturedLog()
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators, logger: capture.logger)
        try await harness.addressedApplication().test(.router) { client in
            let guesser = client.from("203.0.113.7"), office = client.from("198.51.100.20")
            for _ in 1...4 { #expect(try await ConsoleTests.login(guesser, "duty", "wrong").status == .unauthorized) }
            let fifth = try await ConsoleTests.login(guesser, "duty", "wrong")
            #expect(fifth.status == .tooManyRequests && fifth.headers[.retryAfter] == "900")
            #expect(try await ConsoleTests.login(guesser, "duty").status == .tooManyRequests, "not even the right password from there")
            #expect(try await ConsoleTests.login(office, "duty").browser != nil, "the operator at their own desk is not locked out")
            #expect(try await ConsoleTests.login(client.from("2001:db8:5:6::1"), "duty").browser != nil)
        }
        let warning = try #require(capture.all.first { $0.text.contains("console login locked") })
        #expect(warning.text.contains("address=203.0.113.7") && warning.text.contains("scope=this name from this address"), "\(warning.text)")
        #expect(try await Self.actions(harness) == Array(repeating: "operator:duty failed", count: 5)
            + ["operator:duty locked", "operator:duty ok", "operator:duty ok"])
    }

    @Test("an address failing logins for many names is locked for every name at its 20th failure, the right password included; the page says it is the address; other addresses log in")
    func addressAcrossNames() async throws {
        let capture = CapturedLog()
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators, logger: capture.logger)
        let failures = ConsoleLockout.addressPolicy.failures
        try await harness.addressedApplication().test(.router) { client in
            let sprayer = client.from("192.0.2.99")
            // Four wrong passwords for each name stay below each name's own lock at this address.
            let names = ["duty", "watcher", "nobody-1", "nobody-2", "nobody-3"]
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<failures { statuses.append(try await ConsoleTests.login(sprayer, names[index / 4], "spray-\(index)").status) }
            #expect(statuses == Array(repeating: .unauthorized, count: failures - 1) + [.tooManyRequests])
            let refused = try await ConsoleTests.login(sprayer, "watcher")
            #expect(refused.status == .tooManyRequests && refused.headers[.retryAfter] == "900")
            #expect(refused.browser == nil)
            let page = try await sprayer.send("/console/login", key: nil)
            #expect(page.status == .ok, "the form itself is still served")
            #expect(try await ConsoleTests.login(client.from("198.51.100.20"), "watcher").browser != nil)
        }
        #expect(capture.all.contains { $0.level == .warning && $0.text.contains("scope=this address") && $0.text.contains("address=192.0.2.99") })
        #expect(AddressLockoutTests.failures(harness, "console", "refused") == Double(failures - 1))
        #expect(AddressLockoutTests.failures(harness, "console", "locked") == 2)
    }

    @Test("guessing one name from many addresses: the 50th wrong password in 15 minutes locks the name everywhere, the right password from a new address included; other names log in")
    func nameCeiling() async throws {
        let capture = CapturedLog()
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators, logger: capture.logger)
        let ceiling = ConsoleLockout.namePolicy.failures, perAddress = ConsoleLockout.nameAtAddressPolicy.failures
        try await harness.addressedApplication().test(.router) { client in
            var last: HTTPResponse.Status?
            for index in 0..<ceiling {
                last = try await ConsoleTests.login(client.from("203.0.113.\(index / perAddress + 1)"), "duty", "guess-\(index)").status
            }
            #expect(last == .tooManyRequests)
            let elsewhere = try await ConsoleTests.login(client.from("198.51.100.20"), "duty")
            #expect(elsewhere.status == .tooManyRequests && elsewhere.headers[.retryAfter] == "900")
            #expect(try await ConsoleTests.login(client.from("198.51.100.20"), "watcher").browser != nil)
            harness.advance(.seconds(900))
            #expect(try await ConsoleTests.login(client.from("198.51.100.20"), "duty").browser != nil, "the lock ends by itself")
        }
        #expect(capture.all.contains { $0.level == .warning && $0.text.contains("scope=this name, from every address") && $0.text.contains("name=duty") })
    }

    @Test("the counts are bounded: a flood of names pushes out the oldest failures, not a lock")
    func bounded() {
        let lockout = ConsoleLockout()
        let duty = ConsoleLockout.Account(name: "duty", hash: "h"), here = AddressBlock("192.0.2.1")
        for _ in 1...ConsoleLockout.nameAtAddressPolicy.failures { _ = lockout.failed(duty, from: here, now: 0) }
        #expect(lockout.lock(duty, from: here, now: 1)?.remaining == ConsoleLockout.nameAtAddressPolicy.lockFor - 1)
        let early = ConsoleLockout.Account(name: "early", hash: nil), there = AddressBlock("192.0.2.2")
        for _ in 1..<ConsoleLockout.nameAtAddressPolicy.failures { _ = lockout.failed(early, from: there, now: 1) }
        for index in 0..<(ConsoleLockout.capacity + 2_000) {
            _ = lockout.failed(.init(name: "name-\(index)", hash: nil), from: AddressBlock("10.\(index / 65_536).\(index / 256 % 256).\(index % 256)"),
                               now: 2 + Int64(index / 100))
        }
        #expect(lockout.lock(duty, from: here, now: 60_000) != nil, "the lock stayed")
        #expect(lockout.failed(early, from: there, now: 60_000) == nil, "the oldest failures made room: this is the first one again, not the fifth")
    }
}
