import Hummingbird
import NIOCore
import NIOSSL

/// The request context of every gateway route: Hummingbird's core, and the connection the
/// request came on, so a partner route can ask who the TLS handshake proved the caller to be.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection, whose pipeline holds the TLS handler when the listener speaks TLS.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The certificate the caller presented and the handshake verified against
    /// `listen.tls.clientCABundle`; nil when it presented none or the listener has no TLS.
    /// Asked of the connection's event loop, and only by routes that need it.
    func clientCertificate() async -> NIOSSLCertificate? {
        try? await channel.nioSSL_peerCertificate().get()
    }
}
