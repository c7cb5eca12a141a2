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
    /// name typed. A success starts a session; the login token is spent either way.
    func login(_ request: Request) async throws -> Response {
        let form = ConsoleForm(try await request.bytes(limit: maxBody))
        guard let expected = request.cookies[Self.loginCookie]?.value, let token = form["csrf"],
              Digests.constantTimeEqual(token, expected) else {
            return refusal(nil, .forbidden, "The login form has expired or was not sent from the console: open the login page again.")
        }
        let name = String((form["name"] ?? "").prefix(64))
        let person = gateway.credentials.operators.first { $0.name == name && $0.passwordHash != nil }
        let password = form["password"] ?? ""
        let matches = (person?.passwordHash ?? Self.decoy)?.matches(password) ?? false
        let accepted = person != nil && matches
        try await logLogin(name: name, result: accepted ? "ok" : "failed")
        guard accepted, let person else {
            let retry = ConsoleSessions.randomToken()
            var headers = HTTPFields()
            headers[.setCookie] = cookie(Self.loginCookie, retry, path: "/console/login", maxAge: 900)
            return page("login", title: "Log in", session: nil, ["loginToken": retry, "typedName": name, "message": "Wrong name or password."],
                        status: .unauthorized, headers: headers)
        }
        let (value, _) = sessions.create(name: person.name, role: person.role, now: gateway.clock.nowMillis())
        var headers = HTTPFields()
        headers.append(HTTPField(name: .setCookie, value: cookie(Self.sessionCookie, value)))
        headers.append(HTTPField(name: .setCookie, value: cookie(Self.loginCookie, "", path: "/console/login", maxAge: 0)))
        return redirect("/console", headers: headers)
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
