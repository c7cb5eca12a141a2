import Hummingbird
import TongbanStorage

/// Logs every message a caller sends the gateway, with the gateway's answer, in the message
/// log: the bytes' digests, the status, the caller and what the handler said it was about.
///
/// The entry is appended after the answer is decided and before it is sent, so an answered
/// message is logged; a crash in between can leave a processed message without its entry, and
/// the sender's resend (it got no answer) is then logged with the duplicate answer it gets.
/// A window's new case is the exception: intake appends its entry in the transaction that
/// commits the case (`IntakeLog`), saving a write per case, and the middleware skips it.
/// Placed after authentication: calls that prove no identity are not logged, so they cannot
/// flood the log.
struct MessageLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let gateway: Gateway
    /// The other side: a partner's name or the local system's.
    let party: String
    /// `partner:NAME` or `local:NAME`.
    let actor: String
    /// The methods that carry messages; nil for all (a partner's polls are messages too).
    let methods: Set<HTTPRequest.Method>?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard methods?.contains(request.method) ?? true else { return try await next(request, context) }
        let note = MessageNote(party: party, actor: actor, route: "\(request.method.rawValue) \(request.uri.path)")
        do {
            let response = try await MessageNote.$current.withValue(note) { try await next(request, context) }
            await gateway.logInbound(note, status: response.status.code)
            return response
        } catch {
            // Refused by a thrown HTTP error (413 past the body limit): logged with that status.
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            await gateway.logInbound(note, status: status)
            throw error
        }
    }
}
