import HTTPTypes
import Hummingbird
import TongbanPartners
import TongbanStorage

extension Console {
    /// Compared against when the name is unknown, so a wrong name costs the same time as a
    /// wrong password and response times do not tell which operator names exist.
    private static let decoy: PasswordHash? = try? PasswordHash.make(ConsoleSessions.randomToken())

    func loginForm(_ request: Request) -> Response {
        if session(request) != nil { return redirect("/console") }
        let token = ConsoleSessions.randomToken()
        return page("login", title: "Log in", session: nil, ["loginToken": token],
                    headers: [.setCookie: cookie(Self.loginCookie, token, path: "/console/login", maxAge: 900)])
    }

    /// Checks the password; success or failure, the attempt goes into the message log with the
    /// name typed. A success starts a session; the login token is spent either way. A login that
    /// a lock covers (`ConsoleLockout`: the name at this address, this address, or the name from
    /// every address) is answered 429 without a look at the password; the failure that starts a
    /// lock is logged as `locked`, the refusals while it lasts are not (they cost nothing, so
    /// they could flood the log).
    func login(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let form = ConsoleForm(try await request.bytes(limit: maxBody))
        guard let expected = request.cookies[Self.loginCookie]?.value, let token = form["csrf"],
              Digests.constantTimeEqual(token, expected) else {
            return refusal(nil, .forbidden, "The login form has expired or was not sent from the console: open the login page again.")
        }
        let name = String((form["name"] ?? "").prefix(64))
        let person = gateway.credentials.operators.first { $0.name == name && $0.passwordHash != nil }
        let account = ConsoleLockout.Account(name: name, hash: person?.passwordHash?.encoded)
        let address = gateway.clientAddress(request, context)?.limitKey
        if let lock = lockout.lock(account, from: address, now: gateway.clock.nowMillis()) {
            gateway.metrics.countAuthenticationFailure(surface: "console", outcome: .locked)
            return lockedOut(name, lock)
        }
        let password = form["password"] ?? ""
        let matches = (person?.passwordHash ?? Self.decoy)?.matches(password) ?? false
        let accepted = person != nil && matches
        try await logLogin(name: name, result: accepted ? "ok" : "failed")
        guard accepted, let person else {
            // Only an operator's name reaches the process log: what was typed may be a password.
            let who = person?.name ?? "(not an operator's name)"
            if let lock = lockout.failed(account, from: address, now: gateway.clock.nowMillis()) {
                gateway.metrics.countAuthenticationFailure(surface: "console", outcome: .locked)
                for scope in lock.started {
                    gateway.logger.warning("console login locked after repeated wrong passwords", metadata: [
                        "name": "\(who)", "address": "\(address.map(\.description) ?? "unknown")", "scope": "\(scope.rawValue)",
                        "lockedForSeconds": "\(lock.retryAfterSeconds)"])
                }
                if !lock.started.isEmpty { try await logLogin(name: name, result: "locked") }
                return lockedOut(name, lock)
            }
            gateway.metrics.countAuthenticationFailure(surface: "console", outcome: .refused)
            gateway.logger.notice("console login failed", metadata: ["name": "\(who)", "address": "\(address.map(\.description) ?? "unknown")"])
            return loginPage(typed: name, message: "Wrong name or password.", status: .unauthorized)
        }
        lockout.succeeded(account, from: address)
        let (value, _) = sessions.create(name: person.name, role: person.role, now: gateway.clock.nowMillis())
        var headers = HTTPFields()
        headers.append(HTTPField(name: .setCookie, value: cookie(Self.sessionCookie, value)))
        headers.append(HTTPField(name: .setCookie, value: cookie(Self.loginCookie, "", path: "/console/login", maxAge: 0)))
        return redirect("/console", headers: headers)
    }

    /// The login form again, with a fresh login token, `message` and the name typed.
    func loginPage(typed name: String, message: String, status: HTTPResponse.Status, headers extra: HTTPFields = [:]) -> Response {
        let retry = ConsoleSessions.randomToken()
        var headers = extra
        headers[.setCookie] = cookie(Self.loginCookie, retry, path: "/console/login", maxAge: 900)
        return page("login", title: "Log in", session: nil, ["loginToken": retry, "typedName": name, "message": message],
                    status: status, headers: headers)
    }

    /// 429 while a lock covers the login, with `Retry-After` in whole seconds until it ends.
    func lockedOut(_ name: String, _ lock: ConsoleLockout.Lock) -> Response {
        let minutes = (lock.retryAfterSeconds + 59) / 60
        let why = lock.scope == .address ? "Too many failed logins from your address" : "Too many wrong passwords for this name"
        return loginPage(typed: name, message: "\(why): logins are refused for \(minutes) more minute(s), even with the right password.",
                         status: .tooManyRequests, headers: [.retryAfter: "\(lock.retryAfterSeconds)"])
    }

    func logout(_ request: Request) async throws -> Response {
        switch try await admit(request, needsOperator: false) {
        case .refused(let response): return response
        case .admitted(let session, _):
            if let value = request.cookies[Self.sessionCookie]?.value { sessions.end(cookie: value) }
            try await logLogin(name: session.name, result: "logged out", route: "logout")
            return redirect("/console/login", headers: [.setCookie: cookie(Self.sessionCookie, "", maxAge: 0)])
        }
    }

    private func logLogin(name: String, result: String, route: String = "login") async throws {
        let now = gateway.clock.nowMillis()
        _ = try await gateway.store.write { writer in
            try writer.appendLog(MessageLogDraft(at: now, direction: .action, party: "operator", route: route, result: result,
                                                 actor: "operator:\(name)"))
        }
    }
}
