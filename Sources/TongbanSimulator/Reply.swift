import Hummingbird
import TongbanCore

/// The simulator's response shapes.
enum Reply {
    static func bytes(_ body: [UInt8], contentType: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        bytes(value.serialized(), contentType: "application/json", status: status, headers: headers)
    }

    /// HTTP 503, with `Retry-After` when given: the message was not taken.
    static func unavailable(retryAfterSeconds: Int?) -> Response {
        var headers: HTTPFields = [:]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return bytes(Array("service unavailable\n".utf8), contentType: "text/plain; charset=UTF-8", status: .serviceUnavailable, headers: headers)
    }
}

extension Request {
    /// The body; past `limit` bytes Hummingbird answers 413 and nothing more is read.
    func bytes(limit: Int) async throws -> [UInt8] {
        Array(try await body.collect(upTo: limit).readableBytesView)
    }
}

extension Simulator {
    /// Wraps a partner route: counts the request, waits the party's configured latency, and
    /// answers 503 while the party is down; otherwise runs `handler` with the party's faults.
    func guarded(_ party: SimulatedParty, _ handler: @escaping @Sendable (Request, BasicRequestContext, FaultSettings) async throws -> Response)
        -> @Sendable (Request, BasicRequestContext) async throws -> Response
    {
        { request, context in
            let faults = await self.state.arrival(party)
            if faults.latency > .zero { try await Task.sleep(for: faults.latency) }
            if faults.down {
                await self.state.countFault(party)
                return Reply.unavailable(retryAfterSeconds: 1)
            }
            return try await handler(request, context, faults)
        }
    }
}
