import TongbanCore

/// The 襄十随神 hub's batch shapes: the feed page it pulls, the acknowledgement it posts, the
/// batches it pushes and the per-item results it expects back.
public enum HubMessages {
    /// `{"items": [...], "next": "<cursor>"}`: `next` is the cursor to pass as `after` next time.
    public static func feedPage(items: [[UInt8]], next: String) -> [UInt8] {
        var out = Array(#"{"items":["#.utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += item
        }
        out += Array(#"],"next":"#.utf8)
        JSONValue.string(next).write(into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// One item's outcome in a batch answer.
    public struct ItemResult: Sendable, Equatable {
        public var messageID: String
        public var ok: Bool
        public var error: String?
        /// Whether the hub should send the item again.
        public var retry: Bool

        public static func ok(_ messageID: String) -> ItemResult { ItemResult(messageID: messageID, ok: true, error: nil, retry: false) }
        public static func failed(_ messageID: String, _ error: String, retry: Bool) -> ItemResult {
            ItemResult(messageID: messageID, ok: false, error: error, retry: retry)
        }

        public var json: JSONValue {
            var object = JSONObject([("msg_id", .string(messageID)), ("ok", .bool(ok))])
            if !ok {
                object.append("error", .string(error ?? "refused"))
                object.append("retry", .bool(retry))
            }
            return .object(object)
        }
    }

    public static func results(_ results: [ItemResult]) -> [UInt8] {
        JSONValue.object(JSONObject([("results", .array(results.map(\.json)))])).serialized()
    }

    /// Reads `{"results": [...]}`; nil when the bytes are not that shape.
    public static func parseResults(_ bytes: [UInt8]) -> [ItemResult]? {
        guard let value = try? JSONParser.parse(bytes), let items = value["results"]?.arrayValue else { return nil }
        var results: [ItemResult] = []
        for item in items {
            guard let id = item["msg_id"]?.stringValue, case .bool(let ok)? = item["ok"] else { return nil }
            var retry = false
            if case .bool(let value)? = item["retry"] { retry = value }
            results.append(ItemResult(messageID: id, ok: ok, error: item["error"]?.stringValue, retry: retry))
        }
        return results
    }
}
