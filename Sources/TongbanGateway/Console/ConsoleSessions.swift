import Synchronization
import TongbanPartners

/// The console's signed-in operators, kept in memory only: a restart signs everyone out, and
/// there is no session secret to keep, rotate or leak. A session ends on logout, after `idle`
/// without a request, or `lifetime` after login whatever happens.
final class ConsoleSessions: Sendable {
    struct Session: Sendable {
        var name: String
        var role: GatewayConfiguration.Operator.Role
        /// Carried by every form of the session and checked on every POST (CSRF).
        var csrf: String
        var createdAt: Int64
        var lastSeen: Int64
    }

    static let idle: Int64 = 30 * 60_000
    static let lifetime: Int64 = 12 * 3_600_000

    /// Keyed by the SHA-256 of the cookie's value, so the table holds no usable credential.
    private let sessions = Mutex<[String: Session]>([:])

    /// A new session and the cookie value that names it.
    func create(name: String, role: GatewayConfiguration.Operator.Role, now: Int64) -> (cookie: String, session: Session) {
        let cookie = Self.randomToken()
        let session = Session(name: name, role: role, csrf: Self.randomToken(), createdAt: now, lastSeen: now)
        sessions.withLock { table in
            table = table.filter { Self.isLive($0.value, now: now) }
            table[Digests.sha256Hex(utf8: cookie)] = session
        }
        return (cookie, session)
    }

    /// The live session `cookie` names, its idle clock restarted; nil when unknown or expired.
    func session(cookie: String, now: Int64) -> Session? {
        let key = Digests.sha256Hex(utf8: cookie)
        return sessions.withLock { table -> Session? in
            guard var session = table[key] else { return nil }
            guard Self.isLive(session, now: now) else {
                table[key] = nil
                return nil
            }
            session.lastSeen = now
            table[key] = session
            return session
        }
    }

    func end(cookie: String) {
        let key = Digests.sha256Hex(utf8: cookie)
        _ = sessions.withLock { $0.removeValue(forKey: key) }
    }

    private static func isLive(_ session: Session, now: Int64) -> Bool {
        now - session.lastSeen < idle && now - session.createdAt < lifetime
    }

    /// 32 random bytes in hex, from the system's secure generator.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Digests.hex((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
