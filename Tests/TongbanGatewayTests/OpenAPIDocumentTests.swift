import Foundation
import Hummingbird
import Testing
import TongbanCore
import TongbanGateway
import TongbanTesting

@Suite("docs/openapi.yaml")
struct OpenAPIDocumentTests {
    /// `METHOD /path/{param}` for every operation the document describes.
    static func documented() throws -> Set<String> {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        let root = try YAMLNode.parse(text, file: "docs/openapi.yaml")
        var operations: Set<String> = []
        for entry in try root.mapping() where entry.key == "paths" {
            for path in try entry.value.mapping() {
                for operation in try path.value.mapping() where ["get", "post", "put", "delete", "patch"].contains(operation.key) {
                    operations.insert("\(operation.key.uppercased()) \(path.key)")
                }
            }
        }
        return operations
    }

    /// The router's routes, written the document's way: `:id` as `{id}`, each partner's name as
    /// the `{partner}` template.
    static func served(_ harness: GatewayHarness) -> Set<String> {
        let router = GatewayRouter(gateway: harness.gateway).makeRouter()
        let partners = Set(harness.gateway.configuration.partners.map(\.name))
        return Set(router.routes.map { route in
            var segments = "\(route.path)".split(separator: "/").map { segment -> String in
                segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
            }
            if segments.first == "partners", segments.count > 1, partners.contains(segments[1]) { segments[1] = "{partner}" }
            return "\(route.method) /" + segments.joined(separator: "/")
        })
    }

    @Test("every route the gateway serves is documented, and every documented operation is served")
    func documentMatchesRouter() async throws {
        let harness = try await GatewayHarness()
        let documented = try Self.documented()
        let served = Self.served(harness)
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
    }
}
