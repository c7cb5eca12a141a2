import HTTPTypes
import Hummingbird
import Mustache
import TongbanPartners

/// The operators' web console under `/console`: server-rendered HTML pages over the same
/// gateway functions as the operations API, for people rather than scripts. No JavaScript.
///
/// Sign-in is by password (scrypt, `PasswordHash`) into an in-memory session (`ConsoleSessions`)
/// named by an `HttpOnly; SameSite=Strict` cookie, `Secure` unless the gateway listens on a
/// loopback address only (then it is reached through a TLS proxy on the same host or by a
/// test, and a browser would drop a `Secure` cookie sent over plain http). Every POST carries
/// the session's CSRF token; viewers read everything and change nothing.
struct Console: Sendable {
    let gateway: Gateway
    let sessions = ConsoleSessions()
    let lockout = ConsoleLockout()
    let secureCookies: Bool
    let maxBody: Int

    static let sessionCookie = "tongban_console"
    /// The login form's own CSRF token (double submit: cookie and form field must match).
    static let loginCookie = "tongban_console_login"

    init(gateway: Gateway) {
        self.gateway = gateway
        self.secureCookies = !Self.isLoopback(gateway.configuration.host)
        self.maxBody = gateway.configuration.maxBodyBytes
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `Set-Cookie` for `value` on `path`; an empty value with `Max-Age=0` removes the cookie.
    func cookie(_ name: String, _ value: String, path: String = "/console", maxAge: Int? = nil) -> String {
        var text = "\(name)=\(value); Path=\(path); HttpOnly; SameSite=Strict"
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        if secureCookies { text += "; Secure" }
        return text
    }

    /// The request's live session, if its cookie names one and its operator may still log in:
    /// a reload that removed the operator or their password ends it, and one that changed their
    /// role applies from the next page on.
    func session(_ request: Request) -> ConsoleSessions.Session? {
        guard let value = request.cookies[Self.sessionCookie]?.value,
              var session = sessions.session(cookie: value, now: gateway.clock.nowMillis()) else { return nil }
        guard let person = gateway.credentials.person(named: session.name), person.passwordHash != nil else { return nil }
        session.role = person.role
        return session
    }

    /// What a POST handler runs with: the signed-in operator and the form, once the session
    /// exists, the CSRF token matches and, for `needsOperator`, the role allows changes.
    enum Admission {
        case admitted(ConsoleSessions.Session, ConsoleForm)
        case refused(Response)
    }

    func admit(_ request: Request, needsOperator: Bool) async throws -> Admission {
        guard let session = session(request) else {
            return .refused(refusal(nil, .forbidden, "Your session has ended: log in again."))
        }
        let form = ConsoleForm(try await request.bytes(limit: maxBody))
        guard let token = form["csrf"], Digests.constantTimeEqual(token, session.csrf) else {
            return .refused(refusal(session, .forbidden, "This form is stale or was not sent from the console (CSRF token mismatch)."))
        }
        if needsOperator, session.role != .operator {
            return .refused(refusal(session, .forbidden, "\(session.name) is a viewer: replays and closes need the operator role."))
        }
        return .admitted(session, form)
    }

    // MARK: Responses

    /// A page: `values` plus what the header needs. Never cached, never framed, no scripts.
    func page(_ template: String, title: String, session: ConsoleSessions.Session?, _ values: [String: Any] = [:],
              status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var context = values
        context["title"] = title
        if let session {
            context["session"] = ["name": session.name, "role": session.role.rawValue, "csrf": session.csrf]
            context["canOperate"] = session.role == .operator
        }
        let html = ConsoleTemplates.library.render(context, withTemplate: template) ?? "console template \(template) is missing"
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.cacheControl] = "no-store"
        fields[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        fields[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    func refusal(_ session: ConsoleSessions.Session?, _ status: HTTPResponse.Status, _ message: String) -> Response {
        page("refused", title: status == .notFound ? "Not found" : "Refused", session: session, ["message": message], status: status)
    }

    /// 303 to `location`: after a POST the browser GETs the result, so a reload never repeats it.
    func redirect(_ location: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = location
        return Response(status: .seeOther, headers: fields)
    }

    /// A GET page for a signed-in operator; anyone else is sent to the login page.
    func signedIn(_ request: Request, _ body: (ConsoleSessions.Session) async throws -> Response) async throws -> Response {
        guard let session = session(request) else { return redirect("/console/login") }
        return try await body(session)
    }

    /// Milliseconds since the epoch as the gateway writes times (RFC 3339, +08:00).
    static func time(_ millis: Int64) -> String { Gateway.timestamp(millis).rfc3339() }
}
