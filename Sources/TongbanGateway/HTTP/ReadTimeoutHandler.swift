import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Holds a connection to `listen.readTimeout` and `listen.idleTimeout`, so slow clients cannot
/// tie up the listener: a request must arrive whole within the read timeout of its first byte
/// (a client sending its head or body a byte every few seconds is answered `408` and
/// disconnected), and a connection waiting for its next request is closed after the idle
/// timeout. The time the gateway takes to answer is not limited here.
///
/// A deadline that runs out while a handler waits for the body also fails that handler's read
/// with `ReadTimeout` (a 408): the body never reaches its end, so nothing of it is stored; the
/// message log records the 408 like any other refusal.
///
/// It sits after the HTTP decoder, where a request's last part and its answer's are seen; the
/// decoder only speaks once a head is complete, so `ReadStartHandler`, first in the pipeline,
/// tells it when the first raw bytes of a request arrive.
final class ReadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let readTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    /// Requests begun (bytes or a head), read to their end, answered to their end, and answers
    /// begun: a request is being read while `started > read`, the connection is idle while all
    /// four are equal.
    private var started = 0
    private var read = 0
    private var answered = 0
    private var answersBegun = 0

    init(readTimeout: Duration, idleTimeout: Duration) {
        self.readTimeout = TimeAmount(readTimeout)
        self.idleTimeout = TimeAmount(idleTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { schedule(idleTimeout) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        schedule(idleTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    /// Raw bytes arrived: the start of a request, unless one is being read already.
    func bytesArrived() {
        if started == read { begin() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            // A request whose first bytes came in the same read as the end of the one before.
            if started == read { begin() }
        case .body:
            break
        case .end:
            read += 1
            if started == read {
                cancel()
                if answered == read { schedule(idleTimeout) }
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head: answersBegun += 1
        case .body: break
        case .end:
            answered += 1
            // An answer given before its request was read whole (a 401 or 413 that did not
            // read the body) leaves the read deadline running while the rest is drained.
            if started == read, answered == read { schedule(idleTimeout) }
        }
        context.write(data, promise: promise)
    }

    private func begin() {
        started += 1
        schedule(readTimeout)
    }

    private func schedule(_ delay: TimeAmount) {
        cancel()
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { self.expired() }
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
    }

    private func expired() {
        timer = nil
        guard let context else { return }
        guard started > read else {
            // Idle: nothing owed either way, so the connection simply ends.
            if started == answered { context.close(promise: nil) }
            return
        }
        // Whoever waits for the rest of the request gets the error instead.
        context.fireErrorCaught(ReadTimeout())
        // Answer 408 only if nothing is being answered on the connection now, so no answer is cut.
        guard answersBegun == answered, answered == read else {
            context.close(promise: nil)
            return
        }
        let body = ReadTimeout.problem
        let closed = context.eventLoop.makePromise(of: Void.self)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .requestTimeout, headerFields: [
            .contentType: "application/problem+json", .contentLength: "\(body.readableBytes)", .connection: "close",
        ]))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: closed)
        closed.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}

/// First in a connection's pipeline, where bytes arrive before any HTTP is decoded: tells the
/// connection's `ReadTimeoutHandler` when a request starts, even one whose head never ends.
final class ReadStartHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadline: ReadTimeoutHandler

    init(_ deadline: ReadTimeoutHandler) { self.deadline = deadline }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadline.bytesArrived()
        context.fireChannelRead(data)
    }
}

/// A request that did not arrive whole within `listen.readTimeout`.
struct ReadTimeout: HTTPResponseError {
    var status: HTTPResponse.Status { .requestTimeout }

    static let detail = "the request did not arrive whole within listen.readTimeout: nothing of it was kept; send it again"

    static var problem: ByteBuffer {
        ByteBuffer(string: #"{"type":"about:blank","title":"Request timeout","status":408,"detail":"\#(detail)"}"#)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .requestTimeout, headers: [.contentType: "application/problem+json", .connection: "close"],
                 body: ResponseBody(byteBuffer: Self.problem))
    }
}

@available(*, unavailable)
extension ReadTimeoutHandler: Sendable {}

@available(*, unavailable)
extension ReadStartHandler: Sendable {}
