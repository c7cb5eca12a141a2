import TongbanCore
import TongbanStorage

/// What became of an operator's action on a destination or a replay.
public enum OperatorActionOutcome: Sendable {
    /// Done: the destination as `GET /ops/v1/destinations` shows it now, or the replay as
    /// `GET /ops/v1/replays/{id}` does.
    case done(JSONValue)
    /// No destination has that name (a partner's, or `local`), or no replay that id.
    case unknown
    /// Not possible in the destination's or replay's state; the text says why.
    case conflict(String)
}

extension Gateway {
    /// The longest an operator may hold a breaker open. A longer hold is a maintenance window:
    /// pause the destination, which lasts until resumed, restarts included.
    public static let longestForcedOpen: Duration = .seconds(24 * 3600)

    /// Every destination an operator can act on: each partner, then `local`.
    var destinationNames: [String] { configuration.partners.map(\.name) + [Self.localDestination] }

    /// Each destination as the operators see it: `GET /v1/partners`'s view, and who paused it,
    /// when and why, and until when an operator holds its breaker open.
    public func destinationsOperationsView() async throws -> JSONValue {
        let pauses = try await store.read { reader in try reader.pauses() }
        let now = clock.nowMillis()
        let items = (try await destinationsView())["items"]?.arrayValue ?? []
        return .object(JSONObject([("items", .array(items.map { item in
            guard case .object(var object) = item, let name = object["name"]?.stringValue else { return item }
            let pause = pauses.first { $0.destination == name }
            object["paused"] = .bool(pause != nil)
            object["pause"] = pause.map { pause in
                .object(JSONObject([
                    ("since", .string(Self.timestamp(pause.pausedAt).rfc3339())), ("by", .string(pause.pausedBy)),
                    ("reason", .string(pause.reason)),
                ]))
            } ?? .null
            if let breaker = breakers[name], case .object(var shown)? = object["breaker"] {
                shown["forcedOpenUntil"] = breaker.forcedOpenUntil(now: now).map { .string(Self.timestamp($0).rfc3339()) } ?? .null
                object["breaker"] = .object(shown)
            }
            return .object(object)
        }))]))
    }

    /// One destination of `destinationsOperationsView()`.
    func destinationOperationsView(_ name: String) async throws -> JSONValue {
        let items = try await destinationsOperationsView()["items"]?.arrayValue ?? []
        return items.first { $0["name"]?.stringValue == name } ?? .null
    }

    /// Pauses a destination for a maintenance window: its workers take no transfer from the
    /// commit on (attempts already out finish), a feed hands out nothing, and intake goes on
    /// queueing, so the backlog drains in order on resume. The pause and its message log entry
    /// (the operator's name and reason) are one transaction; the pause is in the store, so a
    /// restart keeps it.
    public func pause(destination name: String, operator person: String, reason: String) async throws -> OperatorActionOutcome {
        guard destinationNames.contains(name) else { return .unknown }
        let now = clock.nowMillis()
        let refused = try await store.write { writer -> String? in
            if let earlier = try writer.pause(destination: name) {
                return "\(name) is already paused, since \(Self.timestamp(earlier.pausedAt).rfc3339()) by \(earlier.pausedBy): \(earlier.reason)"
            }
            try writer.insertPause(DestinationPause(destination: name, pausedAt: now, pausedBy: person, reason: reason))
            _ = try writer.appendLog(MessageLogDraft(
                at: now, direction: .action, party: "operator", route: "pause \(name)", result: "paused",
                actor: "operator:\(person)", reason: reason))
            return nil
        }
        if let refused { return .conflict(refused) }
        logger.notice("destination paused", metadata: ["destination": "\(name)", "operator": "\(person)", "reason": "\(reason)"])
        return .done(try await destinationOperationsView(name))
    }

    /// Ends a pause; the destination's workers are woken at once and its backlog goes out in
    /// queue order (per case, as always). Logged like the pause, with when and by whom it began.
    public func resume(destination name: String, operator person: String, reason: String) async throws -> OperatorActionOutcome {
        guard destinationNames.contains(name) else { return .unknown }
        let now = clock.nowMillis()
        let resumed = try await store.write { writer -> Bool in
            guard let earlier = try writer.deletePause(destination: name) else { return false }
            _ = try writer.appendLog(MessageLogDraft(
                at: now, direction: .action, party: "operator", route: "resume \(name)",
                result: "resumed (paused since \(Self.timestamp(earlier.pausedAt).rfc3339()) by \(earlier.pausedBy))",
                actor: "operator:\(person)", reason: reason))
            return true
        }
        guard resumed else { return .conflict("\(name) is not paused") }
        wake(name)
        logger.notice("destination resumed", metadata: ["destination": "\(name)", "operator": "\(person)", "reason": "\(reason)"])
        return .done(try await destinationOperationsView(name))
    }

    /// Opens a destination's breaker by hand for `duration` (at most `longestForcedOpen`): no
    /// attempt starts until then or a reset; then one probe goes out, as after any open. The
    /// breaker lives in memory, so the message log entry is committed first and the breaker
    /// changed after it: an action that is not logged did not happen.
    public func openBreaker(destination name: String, for duration: Duration, operator person: String,
                            reason: String) async throws -> OperatorActionOutcome {
        guard destinationNames.contains(name) else { return .unknown }
        guard let breaker = breakers[name] else {
            return .conflict("\(name) has no breaker: the hub fetches its feed, nothing is pushed to it; pause it instead")
        }
        let now = clock.nowMillis()
        let until = now + min(duration, Self.longestForcedOpen).milliseconds
        _ = try await store.write { writer in
            try writer.appendLog(MessageLogDraft(
                at: now, direction: .action, party: "operator", route: "breaker open \(name)",
                result: "open until \(Self.timestamp(until).rfc3339())", actor: "operator:\(person)", reason: reason))
        }
        breaker.forceOpen(until: until)
        logger.notice("breaker opened by hand", metadata: ["destination": "\(name)", "operator": "\(person)", "reason": "\(reason)"])
        return .done(try await destinationOperationsView(name))
    }

    /// Closes a destination's breaker by hand and clears its failure count (a forced open ends
    /// too); its workers are woken at once. Logged first, like `openBreaker`.
    public func resetBreaker(destination name: String, operator person: String, reason: String) async throws -> OperatorActionOutcome {
        guard destinationNames.contains(name) else { return .unknown }
        guard let breaker = breakers[name] else {
            return .conflict("\(name) has no breaker: the hub fetches its feed, nothing is pushed to it")
        }
        let now = clock.nowMillis()
        let before = breaker.state(now: now)
        _ = try await store.write { writer in
            try writer.appendLog(MessageLogDraft(
                at: now, direction: .action, party: "operator", route: "breaker reset \(name)",
                result: "closed (was \(before.rawValue))", actor: "operator:\(person)", reason: reason))
        }
        breaker.reset()
        wake(name)
        logger.notice("breaker reset by hand", metadata: ["destination": "\(name)", "operator": "\(person)", "reason": "\(reason)"])
        return .done(try await destinationOperationsView(name))
    }
}
