import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

extension HTTPServerBuilder {
    /// Hummingbird's HTTP/1.1 server with the gateway's read and idle deadlines on every
    /// connection (`ReadTimeoutHandler`). Hummingbird's own idle timeout is not used: it counts
    /// from the last decoded part, so a head sent a byte at a time would never start it and a
    /// body sent so would keep renewing it.
    static func http1(readTimeout: Duration, idleTimeout: Duration) -> HTTPServerBuilder {
        .init { responder in ReadTimeoutHTTP1Channel(responder: responder, readTimeout: readTimeout, idleTimeout: idleTimeout) }
    }
}

/// `HTTP1Channel` with `ReadStartHandler` first in the pipeline and `ReadTimeoutHandler` among
/// the handlers after the HTTP decoder; each connection gets its own pair.
struct ReadTimeoutHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let responder: HTTPChannelHandler.Responder
    let readTimeout: Duration
    let idleTimeout: Duration

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        // Called on the connection's event loop, where its handlers live.
        let deadline = ReadTimeoutHandler(readTimeout: readTimeout, idleTimeout: idleTimeout)
        do {
            try channel.pipeline.syncOperations.addHandler(ReadStartHandler(deadline))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let bound = NIOLoopBound(deadline, eventLoop: channel.eventLoop)
        return HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: [bound.value]))
            .setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}
