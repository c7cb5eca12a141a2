extension Gateway {
    /// Takes one call from `principal`'s budget under the limit in force now (a reload applies
    /// from the next call); the refusal, already counted, when the budget is spent.
    func admit(_ principal: Principal) -> RateLimiter.Refusal? {
        guard let limit = credentials.rateLimit(for: principal) else { return nil }
        return rateLimiter.admit(principal, limit: limit)
    }
}

extension Principal {
    /// Every principal `configuration` names: each API key's name, partner and operator.
    static func configured(in configuration: GatewayConfiguration) -> [Principal] {
        Set(configuration.local.apiKeys.map(\.name)).sorted().map(Principal.local)
            + configuration.partners.map { .partner($0.name) }
            + configuration.operators.map { .operator($0.name) }
    }
}
