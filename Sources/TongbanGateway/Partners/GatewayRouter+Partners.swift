import Hummingbird
import TongbanMappings

extension GatewayRouter {
    /// Each connected partner's endpoints, by its wire protocol, under `/partners/{name}`.
    func addPartnerRoutes(to group: RouterGroup<Context>) {
        for settings in gateway.configuration.partners {
            guard let partner = gateway.catalog.partner(named: settings.name) else { continue }
            let routes = group.group(RouterPath(stringLiteral: settings.name))
                .add(middleware: MessageLogMiddleware<Context>(gateway: gateway, party: settings.name, actor: "partner:\(settings.name)", methods: nil))
            switch settings.wireProtocol {
            case .kstb: KSTBEndpoint(gateway: gateway, partner: partner).register(on: routes)
            case .apas: APASEndpoint(gateway: gateway, partner: partner, settings: settings).register(on: routes)
            case .hub: HubEndpoint(gateway: gateway, partner: partner, settings: settings).register(on: routes)
            }
        }
    }
}
