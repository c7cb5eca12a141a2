extension GatewayCredentials {
    /// The limit in force for `principal`; nil when the configuration no longer knows it (a key
    /// or operator removed by a reload, whose calls are refused by authentication anyway).
    func rateLimit(for principal: Principal) -> GatewayConfiguration.RateLimit? {
        switch principal.kind {
        case .local: apiKeys.first { $0.name == principal.name }?.rateLimit
        case .partner: partners[principal.name]?.rateLimit
        case .operator: person(named: principal.name)?.rateLimit
        }
    }

    /// The rate limits that differ from `earlier` for names both know, by name; a reload puts
    /// them in force from the next call on, with the bucket's saved-up calls capped at the new
    /// burst.
    func rateLimitChanges(from earlier: GatewayCredentials) -> [String] {
        var changed: [String] = []
        for name in Set(apiKeys.map(\.name)).sorted() {
            let now = rateLimit(for: .local(name)), before = earlier.rateLimit(for: .local(name))
            if let now, let before, now != before { changed.append("local.apiKeys[\(name)].rateLimit (\(before) → \(now))") }
        }
        for name in partners.keys.sorted() {
            if let now = partners[name]?.rateLimit, let before = earlier.partners[name]?.rateLimit, now != before {
                changed.append("partners.\(name).rateLimit (\(before) → \(now))")
            }
        }
        for person in operators {
            if let before = earlier.person(named: person.name)?.rateLimit, before != person.rateLimit {
                changed.append("operators.\(person.name).rateLimit (\(before) → \(person.rateLimit))")
            }
        }
        return changed
    }
}
