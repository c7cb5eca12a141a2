import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanStorage
import TongbanTesting

@Suite("Console: login, sessions, CSRF, roles, escaping")
struct ConsoleTests {
    static let password = "correct horse battery staple"
    /// Cheap (ln=10) so the tests stay fast; the cost travels in the hash.
    static let hash = try! PasswordHash.make(password, logRounds: 10).encoded
    static let operators = """
        operators:
          duty: {role: operator, tokenSha256: 61112491d046c3f6f8ab801f170d9b2d0c734a17ceff60dee92123fb507cfc3f, passwordHash: "\(hash)"}
          watcher: {role: viewer, tokenSha256: db2c460a3dd812a27b2a7f60d1320322c27ac3b28b3b90b11c05ecc7b4bcc856, passwordHash: "\(hash)"}
        """

    /// A browser's view of the console: the session cookie and the page's CSRF token.
    struct Browser {
        var cookie: String
        var csrf: String
    }

    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func formHeaders(cookie: String) -> HTTPFields {
        var headers = form
        headers[.cookie] = cookie
        return headers
    }

    static func encode(_ pairs: [(String, String)]) -> [UInt8] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Array(pairs.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&").utf8)
    }

    static func cookie(_ name: String, in headers: HTTPFields) -> String? {
        headers[values: .setCookie].lazy.compactMap { line -> String? in
            guard line.hasPrefix("\(name)=") else { return nil }
            return String(line.dropFirst(name.count + 1).prefix { $0 != ";" })
        }.first
    }

    static func csrf(in page: [UInt8]) -> String? {
        guard let range = page.text.range(of: #"name="csrf" value="([0-9a-f]{64})""#, options: .regularExpression) else { return nil }
        return String(page.text[range].dropFirst(#"name="csrf" value=""#.count).prefix(64))
    }

    /// Logs in through the login form; the answer to the POST and, on success, the browser.
    static func login(_ client: some TestClientProtocol, _ name: String, _ password: String = password) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, browser: Browser?) {
        let form = try await client.send("/console/login", key: nil)
        let token = try #require(cookie(Console.loginCookie, in: form.headers))
        #expect(csrf(in: form.body) == token)
        let posted = try await client.send("/console/login", .post, body: encode([("csrf", token), ("name", name), ("password", password)]),
                                           key: nil, headers: formHeaders(cookie: "\(Console.loginCookie)=\(token)"))
        guard let session = cookie(Console.sessionCookie, in: posted.headers), !session.isEmpty else { return (posted.status, posted.headers, nil) }
        let overview = try await client.send("/console", key: nil, headers: [.cookie: "\(Console.sessionCookie)=\(session)"])
        return (posted.status, posted.headers, Browser(cookie: session, csrf: try #require(csrf(in: overview.body))))
    }

    static func get(_ client: some TestClientProtocol, _ path: String, as browser: Browser) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8]) {
        try await client.send(path, key: nil, headers: [.cookie: "\(Console.sessionCookie)=\(browser.cookie)"])
    }

    static func post(_ client: some TestClientProtocol, _ path: String, as browser: Browser, _ pairs: [(String, String)]) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8]) {
        try await client.send(path, .post, body: encode(pairs), key: nil,
                              headers: formHeaders(cookie: "\(Console.sessionCookie)=\(browser.cookie)"))
    }

    @Test("a wrong password is refused, the right one starts a session with a strict HttpOnly cookie; both are logged; logout ends it")
    func loginAndLogout() async throws {
        let harness = try await GatewayHarness(extraYAML: Self.operators)
        try await harness.application().test(.router) { client in
            let away = try await client.send("/console/dead-letters", key: nil)
            #expect(away.status == .seeOther && away.headers[.location] == "/console/login")

            let wrong = try await Self.login(client, "duty", "not the password")
            #expect(wrong.status == .unauthorized && wrong.browser == nil)
            let unknown = try await Self.login(client, "nobody", Self.password)
            #expect(unknown.status == .unauthorized && unknown.browser == nil)

            let right = try await Self.login(client, "duty")
            #expect(right.status == .seeOther && right.headers[.location] == "/console")
            let setCookie = try #require(right.headers[values: .setCookie].first { $0.hasPrefix("\(Console.sessionCookie)=") })
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/console"))
            #expect(!setCookie.contains("Secure"), "the harness listens on loopback: no Secure, or a browser over plain http drops it")
            let browser = try #require(right.browser)
            let overview = try await Self.get(client, "/console", as: browser)
            #expect(overview.status == .ok && overview.body.text.contains("henan-tongbai") && overview.body.text.contains("duty (operator)"))
            #expect(overview.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            for page in ["/console/dead-letters", "/console/log", "/console/overdue"] {
                #expect(try await Self.get(client, page, as: browser).status == .ok, "\(page)")
            }

            let stale = try await Self.post(client, "/console/logout", as: browser, [("csrf", "0")])
            #expect(stale.status == .forbidden)
            let out = try await Self.post(client, "/console/logout", as: browser, [("csrf", browser.csrf)])
            #expect(out.status == .seeOther && out.headers[.location] == "/console/login")
            #expect(try await Self.get(client, "/console", as: browser).status == .seeOther, "the session is gone")
        }
        let log = try await harness.store.read { try $0.messageLog(after: 0, limit: 100) }.filter { $0.direction == .action }
        #expect(log.map { "\($0.route ?? "") \($0.actor) \($0.result ?? "")" } == [
            "login operator:duty failed", "login operator:nobody failed", "login operator:duty ok", "logout operator:duty logged out",
        ])
    }

    @Test("a POST without the session's CSRF token, or a login without the form's token, is refused with 403")
    func csrfRefusal() async throws {
        let harness = try await GatewayHarness(extraYAML: Self.operators)
        try await harness.application().test(.router) { client in
            let forged = try await client.send("/console/login", .post, body: Self.encode([("name", "duty"), ("password", Self.password)]),
                                               key: nil, headers: Self.form)
            #expect(forged.status == .forbidden && ConsoleTests.cookie(Console.sessionCookie, in: forged.headers) == nil)
            let browser = try #require(try await Self.login(client, "duty").browser)
            let missing = try await Self.post(client, "/console/replay", as: browser, [("id", "1"), ("mode", "resend"), ("reason", "x")])
            #expect(missing.status == .forbidden && missing.body.text.contains("CSRF"))
            let other = try #require(try await Self.login(client, "watcher").browser)
            let crossed = try await Self.post(client, "/console/transfers/1/close", as: browser, [("csrf", other.csrf), ("reason", "x")])
            #expect(crossed.status == .forbidden, "another session's token does not do")
            let noSession = try await client.send("/console/transfers/1/close", .post, body: Self.encode([("csrf", browser.csrf)]),
                                                  key: nil, headers: Self.form)
            #expect(noSession.status == .forbidden)
        }
    }

    @Test("a viewer sees dead letters and transfers but no replay or close form, and their POSTs answer 403")
    func viewerRefusal() async throws {
        let harness = try await GatewayHarness(extraYAML: Self.operators)
        let caseID = try await DeliveryTests.submit(harness)
        _ = try await DeadLetterTests.deliver(harness.gateway, clock: harness.clock, answering: .malformed)
        let dead = try #require(try await harness.transfers(of: caseID).first)
        #expect(dead.state == .dead)
        try await harness.application().test(.router) { client in
            let viewer = try #require(try await Self.login(client, "watcher").browser)
            let list = try await Self.get(client, "/console/dead-letters", as: viewer)
            #expect(list.status == .ok && list.body.text.contains("/console/transfers/\(dead.id)") && !list.body.text.contains("Replay selected"))
            let detail = try await Self.get(client, "/console/transfers/\(dead.id)", as: viewer)
            #expect(detail.status == .ok && detail.body.text.contains("dead") && !detail.body.text.contains("Close without sending"))
            #expect(try await Self.get(client, "/console/replay?id=\(dead.id)", as: viewer).status == .forbidden)
            for (path, fields) in [("/console/replay", [("id", "\(dead.id)"), ("mode", "resend"), ("reason", "x"), ("action", "confirm")]),
                                   ("/console/transfers/\(dead.id)/close", [("reason", "x")])] {
                #expect(try await Self.post(client, path, as: viewer, [("csrf", viewer.csrf)] + fields).status == .forbidden, "\(path)")
            }

            let duty = try #require(try await Self.login(client, "duty").browser)
            #expect(try await Self.get(client, "/console/transfers/\(dead.id)", as: duty).body.text.contains("Close without sending"))
            let noReason = try await Self.post(client, "/console/replay", as: duty,
                                               [("csrf", duty.csrf), ("id", "\(dead.id)"), ("mode", "resend"), ("action", "confirm")])
            #expect(noReason.status == .unprocessableContent && noReason.body.text.contains("Nothing was replayed"))
            let closed = try await Self.post(client, "/console/transfers/\(dead.id)/close", as: duty, [("csrf", duty.csrf), ("reason", "withdrawn")])
            #expect(closed.status == .seeOther)
        }
        #expect(try await harness.transfers(of: caseID).first?.state == .closed)
    }

    @Test("an operator pauses and resumes a replay from its page (reason required); a viewer sees the pause but no form")
    func replayPauseForm() async throws {
        let harness = try await GatewayHarness(extraYAML: Self.operators)
        let caseID = try await DeliveryTests.submit(harness)
        _ = try await DeadLetterTests.deliver(harness.gateway, clock: harness.clock, answering: .malformed)
        let dead = try #require(try await harness.transfers(of: caseID).first)
        let replay = try #require(try await harness.gateway.replay(ids: [dead.id], filter: nil, mode: .resend, dryRun: false,
                                                                  operator: "duty", reason: "resend").record).id
        try await harness.application().test(.router) { client in
            let duty = try #require(try await Self.login(client, "duty").browser)
            let page = try await Self.get(client, "/console/replays/\(replay)", as: duty)
            #expect(page.body.text.contains("action=\"/console/replays/\(replay)/pause\""))
            let blank = try await Self.post(client, "/console/replays/\(replay)/pause", as: duty, [("csrf", duty.csrf), ("reason", " ")])
            #expect(blank.status == .unprocessableContent)
            let noToken = try await Self.post(client, "/console/replays/\(replay)/pause", as: duty, [("reason", "wait")])
            #expect(noToken.status == .forbidden)
            let paused = try await Self.post(client, "/console/replays/\(replay)/pause", as: duty, [("csrf", duty.csrf), ("reason", "桐柏 asks us to wait")])
            #expect(paused.status == .seeOther)
            let shown = try await Self.get(client, "/console/replays/\(replay)", as: duty)
            #expect(shown.body.text.contains("by duty: 桐柏 asks us to wait") && shown.body.text.contains("<td>held</td><td>1</td>"), "\(shown.body.text)")
            #expect(shown.body.text.contains("action=\"/console/replays/\(replay)/resume\""))

            let viewer = try #require(try await Self.login(client, "watcher").browser)
            let seen = try await Self.get(client, "/console/replays/\(replay)", as: viewer)
            #expect(seen.body.text.contains("Paused since") && !seen.body.text.contains("/resume\""))
            #expect(try await Self.post(client, "/console/replays/\(replay)/resume", as: viewer, [("csrf", viewer.csrf), ("reason", "x")]).status == .forbidden)

            let again = try await Self.post(client, "/console/replays/\(replay)/pause", as: duty, [("csrf", duty.csrf), ("reason", "twice")])
            #expect(again.status == .conflict && again.body.text.contains("already paused"))
            let resumed = try await Self.post(client, "/console/replays/\(replay)/resume", as: duty, [("csrf", duty.csrf), ("reason", "go")])
            #expect(resumed.status == .seeOther)
        }
        #expect(try await harness.transfers(of: caseID).first?.state == .pending)
    }

    @Test("markup in stored data comes out escaped: a dead letter's lastError and a typed login name")
    func escaping() async throws {
        let harness = try await GatewayHarness(extraYAML: Self.operators)
        let caseID = try await DeliveryTests.submit(harness)
        _ = try await DeadLetterTests.deliver(harness.gateway, clock: harness.clock, answering: .malformed)
        let hostile = #"<script>alert("x")</script> & 'quoted'"#
        try await harness.store.write { writer in
            var transfer = try writer.transfers(caseID: caseID)[0]
            transfer.lastError = hostile
            try writer.updateTransfer(transfer)
        }
        try await harness.application().test(.router) { client in
            let browser = try #require(try await Self.login(client, "duty").browser)
            for page in ["/console/dead-letters", "/console/transfers/1"] {
                let html = try await Self.get(client, page, as: browser).body.text
                #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;"), "\(page)")
                #expect(!html.contains("<script"), "\(page)")
            }
            let typed = try await Self.login(client, "<b>x</b>", "wrong")
            #expect(typed.status == .unauthorized)
            let log = try await Self.get(client, "/console/log", as: browser).body.text
            #expect(log.contains("operator:&lt;b&gt;x&lt;/b&gt;") && !log.contains("<b>x"))
        }
    }

    @Test("passwordHash is decoded strictly; hashes verify only their password; Secure cookies unless loopback")
    func passwordsAndCookies() throws {
        let hash = try PasswordHash(encoded: Self.hash)
        #expect(hash.matches(Self.password) && !hash.matches(Self.password + " "))
        #expect(hash.encoded == Self.hash && hash.logRounds == 10 && hash.salt.count == 16)
        #expect(try PasswordHash.make(Self.password, logRounds: 10).encoded != Self.hash, "a fresh salt each time")
        for bad in ["", "sha256$abc", "scrypt$ln=9,r=8,p=1$\(Self.hash.split(separator: "$")[2])$\(Self.hash.split(separator: "$")[3])",
                    "scrypt$ln=15,r=8$AAAA$AAAA"] {
            #expect(throws: PasswordHash.Malformed.self) { try PasswordHash(encoded: bad) }
        }
        #expect(throws: MappingError.self) {
            try GatewayConfiguration.parse(Self.configuration(passwordHash: "\"scrypt$nope\""), file: "test.yaml", environment: [:])
        }
        let parsed = try GatewayConfiguration.parse(Self.configuration(passwordHash: "\"\(Self.hash)\""), file: "test.yaml", environment: [:])
        #expect(parsed.operators.first?.passwordHash == hash)
        #expect(Console.isLoopback("127.0.0.1") && Console.isLoopback("::1") && Console.isLoopback("localhost"))
        #expect(!Console.isLoopback("0.0.0.0") && !Console.isLoopback("10.1.2.3"))
    }

    static func configuration(passwordHash: String) -> String {
        """
        listen: {host: 0.0.0.0, port: 8080}
        dataDirectory: /tmp
        mappings: \(Repository.mappings.path)
        local: {name: suixian, endpoint: "http://127.0.0.1:9/local", apiKeys: [{name: w, sha256: 1c930a63ab7785eabbb462006726831f383c2dfab5ad6ef82b0a508f9a963171}]}
        partners:
          henan-tongbai: {protocol: kstb, baseURL: "http://127.0.0.1:9/henan-tongbai"}
        operators:
          duty: {role: operator, tokenSha256: 61112491d046c3f6f8ab801f170d9b2d0c734a17ceff60dee92123fb507cfc3f, passwordHash: \(passwordHash)}
        """
    }
}
