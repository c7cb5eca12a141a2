import Hummingbird
import TongbanCore

extension GatewayRouter {
    /// `/ops/v1/destinations…`: each destination's pause, breaker and queue; pausing and resuming
    /// one (a partner's maintenance window), and opening or resetting its breaker by hand. Every
    /// change needs the operator role and a reason, and is a message log entry with both; the
    /// CLI's `tongban partners` calls these.
    func addDestinationRoutes(to group: RouterGroup<Context>) {
        group.get("destinations") { _, _ in
            Reply.json(try await self.gateway.destinationsOperationsView())
        }
        group.post("destinations/:name/pause") { request, context in
            try await self.destinationAction(request, context) { name, person, reason, _ in
                try await self.gateway.pause(destination: name, operator: person, reason: reason)
            }
        }
        group.post("destinations/:name/resume") { request, context in
            try await self.destinationAction(request, context) { name, person, reason, _ in
                try await self.gateway.resume(destination: name, operator: person, reason: reason)
            }
        }
        group.post("destinations/:name/breaker/open") { request, context in
            try await self.destinationAction(request, context, holding: true) { name, person, reason, hold in
                try await self.gateway.openBreaker(destination: name, for: hold, operator: person, reason: reason)
            }
        }
        group.post("destinations/:name/breaker/reset") { request, context in
            try await self.destinationAction(request, context) { name, person, reason, _ in
                try await self.gateway.resetBreaker(destination: name, operator: person, reason: reason)
            }
        }
    }

    /// How long `breaker/open` holds the breaker open when the body names no `for`.
    static let defaultForcedOpen: Duration = .seconds(30 * 60)

    /// The checks every destination action shares, in this order: the destination exists (404),
    /// the body has a reason and, for `holding`, a valid `for` (422 naming each field), then the
    /// action itself (409 when the destination's state does not allow it).
    func destinationAction(_ request: Request, _ context: Context, holding: Bool = false,
                           _ action: (String, String, String, Duration) async throws -> OperatorActionOutcome) async throws -> Response {
        let name = try context.parameters.require("name")
        guard gateway.destinationNames.contains(name) else { return Self.unknownDestination(name, gateway: gateway) }
        let body = try await request.bytes(limit: maxBody)
        var issues: [ValidationIssue] = []
        var reason = ""
        switch Self.reason(body, required: true) {
        case .success(let text): reason = text ?? ""
        case .failure(let problem): issues += problem.issues
        }
        var hold = Self.defaultForcedOpen
        if holding, let json = try? JSONParser.parse(body), let given = json["for"] {
            if let text = given.stringValue, let parsed = Self.holdDuration(text) { hold = parsed } else {
                issues.append(ValidationIssue(path: "$.for", reason: "how long to hold it open: a whole number and s, m or h, from 1s to 24h (e.g. 30m)"))
            }
        }
        guard issues.isEmpty else { return Problem(issues: issues).response }
        switch try await action(name, OperatorIdentity.current?.name ?? "?", reason, hold) {
        case .done(let view): return Reply.json(view)
        case .unknown: return Self.unknownDestination(name, gateway: gateway)
        case .conflict(let why): return Reply.problem(.conflict, title: "Not possible now", detail: why)
        }
    }

    static func unknownDestination(_ name: String, gateway: Gateway) -> Response {
        Reply.problem(.notFound, title: "No such destination",
                      detail: "\(name) is not a destination of this gateway; it has \(gateway.destinationNames.joined(separator: ", "))")
    }

    /// `30m`, `90s`, `2h`: a whole number and a unit, from one second to `Gateway.longestForcedOpen`.
    static func holdDuration(_ text: String) -> Duration? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Int64(text.dropLast()), count >= 1, count <= 86_400 else { return nil }
        let duration = Duration.seconds(count * unit)
        return duration <= Gateway.longestForcedOpen ? duration : nil
    }
}
