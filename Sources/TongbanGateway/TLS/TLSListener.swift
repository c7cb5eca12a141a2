import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// TLS on the gateway's own listener. Each new connection's handshake uses the context in force;
/// a reload (SIGHUP) puts a new one in force when the configuration's certificate, key or client
/// CA files were replaced, without a restart: connections already open keep their handshake.
final class TLSListener: Sendable {
    private let current: Mutex<ListenerTLSMaterial>
    let logger: Logger

    init(_ settings: GatewayConfiguration.ListenerTLS, logger: Logger) {
        current = Mutex(settings.material)
        self.logger = logger
        logger.notice("the listener speaks TLS", metadata: Self.describe(settings.material))
    }

    var context: NIOSSLContext { current.withLock { $0.context } }

    /// From the next handshake on, what `settings`' files held when they were read; says which
    /// of them changed, by name.
    func use(_ settings: GatewayConfiguration.ListenerTLS) -> [String] {
        let fresh = settings.material
        let earlier = current.withLock { material in
            defer { material = fresh }
            return material
        }
        var changed: [String] = []
        if earlier.serverCertificate != fresh.serverCertificate { changed.append("listen.tls.certificate") }
        if earlier.clientCAs != fresh.clientCAs { changed.append("listen.tls.clientCABundle") }
        if !changed.isEmpty { logger.notice("new TLS handshakes use the reloaded files", metadata: Self.describe(fresh)) }
        return changed
    }

    /// The server certificate's CN and expiry, and how many client CAs: for the log.
    static func describe(_ material: ListenerTLSMaterial) -> Logger.Metadata {
        let certificate = material.serverCertificate
        let commonName = certificate.subjectName.first { $0.type == .commonName }?.value ?? ""
        return [
            "certificateCN": "\(commonName)",
            "notValidAfter": "\(Gateway.timestamp(Int64(certificate.notValidAfter) * 1000).rfc3339())",
            "clientCAs": "\(material.clientCAs.count)",
        ]
    }

    /// HTTP/1.1 with the gateway's read and idle deadlines (`ReadTimeoutHTTP1Channel`), behind
    /// TLS when `listener` is given; the deadlines then count decrypted bytes, and a handshake
    /// that stalls is closed by the idle deadline.
    static func server(readTimeout: Duration = GatewayConfiguration.defaultReadTimeout,
                       idleTimeout: Duration = GatewayConfiguration.defaultIdleTimeout,
                       tls listener: TLSListener?) -> HTTPServerBuilder {
        guard let listener else { return .http1(readTimeout: readTimeout, idleTimeout: idleTimeout) }
        return HTTPServerBuilder { responder in
            TLSChannel(base: ReadTimeoutHTTP1Channel(responder: responder, readTimeout: readTimeout, idleTimeout: idleTimeout),
                       listener: listener)
        }
    }

    /// Puts the TLS handler in front of the HTTP/1.1 pipeline, with the context in force when
    /// the connection was accepted; the peer's certificate stays readable from the pipeline
    /// (`GatewayRequestContext.clientCertificate()`).
    struct TLSChannel: ServerChildChannel {
        let base: ReadTimeoutHTTP1Channel
        let listener: TLSListener

        func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: listener.context))
                try channel.pipeline.syncOperations.addHandler(HandshakeFailureLog(logger: listener.logger))
            }.flatMap {
                base.setup(channel: channel, logger: logger)
            }
        }

        func handle(value: HTTP1Channel.Value, logger: Logger) async {
            await base.handle(value: value, logger: logger)
        }
    }

    /// Says why a handshake failed (an unknown CA, an expired certificate, plain HTTP on the TLS
    /// port) with the caller's address: what an operator needs when a partner cannot connect.
    /// BoringSSL's reasons name no key material.
    final class HandshakeFailureLog: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        let logger: Logger

        init(logger: Logger) { self.logger = logger }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if case NIOSSLError.handshakeFailed = error {
                logger.warning("TLS handshake refused", metadata: [
                    "peer": "\(context.channel.remoteAddress?.ipAddress ?? "unknown")",
                    "reason": "\(error)",
                ])
            }
            context.fireErrorCaught(error)
        }
    }
}
