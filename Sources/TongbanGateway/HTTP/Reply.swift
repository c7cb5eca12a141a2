import Hummingbird
import TongbanCore

/// Responses in the gateway's two body shapes: JSON, and RFC 9457 problem details for errors.
enum Reply {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        bytes(value.serialized(), contentType: "application/json", status: status, headers: headers)
    }

    static func bytes(_ body: [UInt8], contentType: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        MessageNote.current?.answered(body)
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `application/problem+json`; `issues` lists field errors as `{"path", "reason"}`.
    static func problem(_ status: HTTPResponse.Status, title: String, detail: String? = nil,
                        issues: [ValidationIssue] = [], headers: HTTPFields = [:]) -> Response {
        var object = JSONObject()
        object.append("type", .string("about:blank"))
        object.append("title", .string(title))
        object.append("status", .int(Int64(status.code)))
        if let detail { object.append("detail", .string(detail)) }
        if !issues.isEmpty {
            object.append("issues", .array(issues.map { .object(JSONObject([("path", .string($0.path)), ("reason", .string($0.reason))])) }))
        }
        return bytes(JSONValue.object(object).serialized(), contentType: "application/problem+json", status: status, headers: headers)
    }
}

extension Request {
    /// The body, refused with 413 past `limit` bytes (nothing more is read).
    func bytes(limit: Int) async throws -> [UInt8] {
        // One copy of the buffer's bytes: `Array(buffer.readableBytesView)` went through the generic
        // collection copy, 1.5 µs of every accepted case.
        let bytes = try await body.collect(upTo: limit).withUnsafeReadableBytes { [UInt8]($0) }
        MessageNote.current?.received(bytes)
        return bytes
    }
}
