/// Every secret the gateway checks callers against or signs with, taken from one configuration.
/// A reload (SIGHUP) swaps the whole set at once, so a rotation needs no restart and no request
/// ever sees half of one file and half of another.
public struct GatewayCredentials: Sendable {
    /// The local windows' API keys, as digests with their names and rate limits (two or more
    /// during a rotation).
    public var apiKeys: [GatewayConfiguration.APIKey]
    public var apiKeyDigests: [String] { apiKeys.map(\.sha256) }
    public var operators: [GatewayConfiguration.Operator]
    /// By partner name.
    public var partners: [String: Partner]

    public struct Partner: Sendable, Equatable {
        /// Hub: digests of its bearer tokens (two during a rotation).
        public var tokenDigests: [String]
        /// APAS: the secret the gateway signs its requests with.
        public var appSecret: [UInt8]?
        /// APAS: the secrets the partner's signatures are checked against: its current one, then
        /// the previous one while a rotation overlaps.
        public var partnerSecrets: [[UInt8]]
        public var rateLimit: GatewayConfiguration.RateLimit
        /// The subjects of the client certificates that identify the partner (two during a
        /// rotation); empty: its routes need no certificate.
        public var clientSubjects: [CertificateSubject] = []
    }

    public init(_ configuration: GatewayConfiguration) {
        apiKeys = configuration.local.apiKeys
        operators = configuration.operators
        partners = Dictionary(uniqueKeysWithValues: configuration.partners.map { partner in
            (partner.name, Partner(tokenDigests: partner.tokenDigests, appSecret: partner.appSecret?.bytes,
                                   partnerSecrets: [partner.partnerSecret, partner.previousPartnerSecret].compactMap { $0?.bytes },
                                   rateLimit: partner.rateLimit,
                                   clientSubjects: partner.clientSubjects))
        })
    }

    /// The operator named `name`, as the credentials know them now.
    public func person(named name: String) -> GatewayConfiguration.Operator? {
        operators.first { $0.name == name }
    }

    /// What differs from `earlier`, by name only: never a value, so the list can be logged.
    public func changes(from earlier: GatewayCredentials) -> [String] {
        var changed: [String] = []
        if apiKeyDigests != earlier.apiKeyDigests { changed.append("local.apiKeys (\(earlier.apiKeyDigests.count) → \(apiKeyDigests.count))") }
        let names = Set(operators.map(\.name)).union(earlier.operators.map(\.name)).sorted()
        for name in names {
            let now = person(named: name), before = earlier.person(named: name)
            switch (before, now) {
            case (nil, _?): changed.append("operators.\(name) added")
            case (_?, nil): changed.append("operators.\(name) removed")
            case (let before?, let now?):
                if before.tokenSHA256 != now.tokenSHA256 { changed.append("operators.\(name).tokenSha256") }
                if before.role != now.role { changed.append("operators.\(name).role") }
                if before.passwordHash?.encoded != now.passwordHash?.encoded { changed.append("operators.\(name).passwordHash") }
            case (nil, nil): break
            }
        }
        for (name, partner) in partners.sorted(by: { $0.key < $1.key }) {
            guard let before = earlier.partners[name] else { continue }
            if partner.tokenDigests != before.tokenDigests { changed.append("partners.\(name).tokens (\(before.tokenDigests.count) → \(partner.tokenDigests.count))") }
            if partner.appSecret != before.appSecret { changed.append("partners.\(name).appSecret") }
            if partner.partnerSecrets != before.partnerSecrets { changed.append("partners.\(name).partnerSecret/previousPartnerSecret") }
            if partner.clientSubjects != before.clientSubjects {
                changed.append("partners.\(name).clientSubjects (\(before.clientSubjects.count) → \(partner.clientSubjects.count))")
            }
        }
        return changed + rateLimitChanges(from: earlier)
    }
}
