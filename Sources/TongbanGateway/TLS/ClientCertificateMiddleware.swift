import Hummingbird
import NIOSSL
import X509

/// Admits a call to one partner's routes only with a client certificate whose subject is one of
/// that partner's `clientSubjects`, read per request so a reload applies at once. A partner
/// without subjects is let through (its protocol authenticates it). The certificate is checked
/// against the client CAs by the handshake already; here it is mapped to the partner, so a
/// certificate that identifies another partner, or none, is refused in the partner's own format
/// (`refusal`) before anything is read, stored or written to the message log. It never stands
/// in for the partner's own credentials (hub token, APAS signature) nor for any other route's.
/// A refusal counts against the caller's source address (`AddressLockout`); once that is
/// locked, the refusal is the partner's 429 and is no longer logged.
struct ClientCertificateMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let gateway: Gateway
    let partner: String
    /// The partner's answer to a call that is not its own: `ClientCertificateRefusal.reason`
    /// says why, for the caller.
    let refusal: @Sendable (ClientCertificateRefusal) -> Response

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let credentials = gateway.credentials
        guard let subjects = credentials.partners[partner]?.clientSubjects, !subjects.isEmpty else {
            return try await next(request, context)
        }
        guard let certificate = await context.clientCertificate() else {
            if let lock = gateway.addressLockout.failed(partner, from: gateway.clientAddress(request, context)) { return refusal(.addressLocked(lock)) }
            gateway.logger.warning("client certificate refused", metadata: ["partner": "\(partner)", "reason": "\(ClientCertificateRefusal.missing.reason)"])
            return refusal(.missing)
        }
        let subject = try? CertificateSubject(Certificate(derEncoded: certificate.toDERBytes()).subject)
        if let subject, subjects.contains(subject) {
            gateway.logger.debug("client certificate accepted", metadata: ["partner": "\(partner)", "subjectCN": "\(subject.commonName ?? "")"])
            return try await next(request, context)
        }
        if let lock = gateway.addressLockout.failed(partner, from: gateway.clientAddress(request, context)) { return refusal(.addressLocked(lock)) }
        // For the operator: whose certificate it was, if anyone's. The caller is told less.
        let owner = subject.flatMap { subject in credentials.partners.first { $0.value.clientSubjects.contains(subject) }?.key }
        gateway.logger.warning("client certificate refused", metadata: [
            "partner": "\(partner)", "subjectCN": "\(subject?.commonName ?? "")", "identifies": "\(owner ?? "no partner")",
            "reason": "\(ClientCertificateRefusal.notThisPartner.reason)",
        ])
        return refusal(.notThisPartner)
    }
}

/// Why a partner route refused the caller's certificate.
enum ClientCertificateRefusal: Sendable, Equatable {
    /// No certificate was presented (or the listener has no TLS).
    case missing
    /// The certificate chains to a client CA but its subject is not one of this partner's: it
    /// identifies another partner, or none.
    case notThisPartner
    /// One of the above, from an address that has failed authentication too often: answered
    /// 429 with `Retry-After`.
    case addressLocked(AddressLockout.Lock)

    /// For the caller: whose certificate it was is for the log only.
    var reason: String {
        switch self {
        case .missing: "no client certificate was presented: this route requires mutual TLS"
        case .notThisPartner: "the client certificate does not identify this partner"
        case .addressLocked: "too many calls from this address failed authentication: calls without this partner's client certificate are refused until the lock ends"
        }
    }
}
