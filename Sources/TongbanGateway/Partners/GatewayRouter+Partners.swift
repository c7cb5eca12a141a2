import Hummingbird
import TongbanMappings

extension GatewayRouter {
    /// Each connected partner's endpoints, by its wire protocol, under `/partners/{name}`.
    func addPartnerRoutes(to group: RouterGroup<Context>) {
        for settings in gateway.configuration.partners {
            guard let partner = gateway.catalog.partner(named: settings.name) else { continue }
            var routes = group.group(RouterPath(stringLiteral: settings.name))
            if gateway.configuration.tls != nil {
                // Before the message log: a call with another partner's certificate is not this partner's message.
                routes = routes.add(middleware: ClientCertificateMiddleware(gateway: gateway, partner: settings.name, refusal: settings.wireProtocol.certificateRefusal))
            }
            routes = routes.add(middleware: MessageLogMiddleware<Context>(gateway: gateway, party: settings.name, actor: "partner:\(settings.name)", methods: nil))
            switch settings.wireProtocol {
            case .kstb:
                // No HTTP credential to check: 桐柏 proves itself by mutual TLS, checked above
                // with `listen.tls` or by a terminator in front without it, so every call here is
                // its. APAS and the hub check their callers in the endpoint, and limit them there,
                // once they know who called.
                let limited = routes.add(middleware: RateLimitMiddleware<Context>(
                    gateway: gateway, principal: { [name = settings.name] _ in .partner(name) }, refuse: { Reply.rateLimitedKSTB($1) }))
                KSTBEndpoint(gateway: gateway, partner: partner).register(on: limited)
            case .apas: APASEndpoint(gateway: gateway, partner: partner, settings: settings).register(on: routes)
            case .hub: HubEndpoint(gateway: gateway, partner: partner, settings: settings).register(on: routes)
            }
        }
    }
}

extension PartnerConfiguration.WireProtocol {
    /// How each protocol answers a call whose client certificate is missing or not the partner's.
    var certificateRefusal: @Sendable (ClientCertificateRefusal) -> Response {
        switch self {
        case .kstb: KSTBEndpoint.certificateRefusal
        case .apas: APASEndpoint.certificateRefusal
        case .hub: HubEndpoint.certificateRefusal
        }
    }
}
