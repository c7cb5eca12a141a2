import Foundation
import Hummingbird
import TongbanCore

/// Builds the gateway's routes: the local windows' API under `/v1` (API key), each partner's
/// endpoints under `/partners/{name}` (each authenticated its own way), health probes and the
/// OpenAPI document.
public struct GatewayRouter: Sendable {
    public typealias Context = GatewayRequestContext

    let gateway: Gateway
    let maxBody: Int
    /// The OpenAPI document served at `/openapi.yaml`.
    let openAPIDocument: URL

    public init(gateway: Gateway, openAPIDocument: URL = URL(fileURLWithPath: "docs/openapi.yaml")) {
        self.gateway = gateway
        self.maxBody = gateway.configuration.maxBodyBytes
        self.openAPIDocument = openAPIDocument
    }

    public func makeRouter() -> Router<Context> {
        let router = Router(context: Context.self)
        // First, so it wraps every route added below: a write that finds the disk full is a 503.
        router.add(middleware: StorageMiddleware<Context>(gateway: gateway, refused: []))
        router.get("health/live") { _, _ in
            Reply.json(["status": "live"])
        }
        router.get("health/ready") { _, _ in
            guard await self.gateway.store.isReady() else {
                return Reply.problem(.serviceUnavailable, title: "Not ready", detail: "storage is unreachable or migrations are not applied")
            }
            if self.gateway.storageGuard.shortage != nil {
                return Reply.problem(.serviceUnavailable, title: "Not ready",
                                     detail: "storage is nearly full (free space below storage.minFreeSpace): new work is refused, deliveries go on",
                                     headers: [.retryAfter: "\(StorageShortage.retryAfterSeconds)"])
            }
            return Reply.json(["status": "ready"])
        }
        router.get("openapi.yaml") { _, _ in
            guard let data = FileManager.default.contents(atPath: self.openAPIDocument.path) else {
                return Reply.problem(.notFound, title: "No OpenAPI document", detail: "\(self.openAPIDocument.path) is missing")
            }
            return Reply.bytes([UInt8](data), contentType: "application/yaml")
        }
        addMetricsRoute(to: router)
        let local = gateway.configuration.local.name
        let api = router.group("v1")
            .add(middleware: APIKeyMiddleware(gateway: gateway))
            .add(middleware: MessageLogMiddleware<Context>(gateway: gateway, party: local, actor: "local:\(local)", methods: [.post]))
            .add(middleware: RateLimitMiddleware<Context>(gateway: gateway, principal: { _ in Principal.current }, refuse: Reply.rateLimited))
            .add(middleware: StorageMiddleware<Context>(gateway: gateway, refused: [.post]))
        addCaseRoutes(to: api)
        addPartnerRoutes(to: router.group("partners"))
        addOperationsRoutes(to: router.group("ops/v1")
            .add(middleware: OperatorMiddleware(gateway: gateway))
            .add(middleware: RateLimitMiddleware<Context>(gateway: gateway, principal: { _ in OperatorIdentity.current.map { .operator($0.name) } },
                                                          refuse: Reply.rateLimited)))
        addConsoleRoutes(to: router.group("console"))
        return router
    }
}
