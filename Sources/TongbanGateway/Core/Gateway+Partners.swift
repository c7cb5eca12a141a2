import TongbanCore
import TongbanStorage

extension Gateway {
    /// Each destination's delivery state: whether an operator paused it, its breaker and how many
    /// transfers wait, are out, are handed out on its feed, or are dead letters. For operators and probes.
    public func destinationsView() async throws -> JSONValue {
        let names = configuration.partners.map(\.name) + [Self.localDestination]
        let now = clock.nowMillis()
        let (counts, paused) = try await store.read { reader in
            (try names.map { name in
                try TransferState.allCases.map { state in (state, try reader.transferCount(destination: name, state: state)) }
            }, Set(try reader.pauses().map(\.destination)))
        }
        var items: [JSONValue] = []
        for (index, name) in names.enumerated() {
            var object = JSONObject()
            object.append("name", .string(name))
            if let settings = partnerConfiguration(name) {
                object.append("protocol", .string(settings.wireProtocol.rawValue))
            } else {
                object.append("protocol", .string("local"))
            }
            object.append("paused", .bool(paused.contains(name)))
            if let breaker = breakers[name] {
                object.append("breaker", .object(JSONObject([
                    ("state", .string(breaker.state(now: now).rawValue)),
                    ("consecutiveFailures", .int(Int64(breaker.consecutiveFailures))),
                ])))
            } else {
                object.append("breaker", .null)
            }
            var queue = JSONObject()
            for (state, count) in counts[index] where state != .delivered { queue.append(state.rawValue, .int(Int64(count))) }
            object.append("transfers", .object(queue))
            items.append(.object(object))
        }
        return .object(JSONObject([("items", .array(items))]))
    }
}
