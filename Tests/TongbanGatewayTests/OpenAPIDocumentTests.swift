import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TongbanCore
@testable import TongbanGateway
import TongbanPartners
import TongbanTesting

@Suite("docs/openapi.yaml", .serialized)
struct OpenAPIDocumentTests {
    /// One operation as the document describes it.
    struct Operation {
        /// `METHOD /path/{param}`
        var key: String
        /// The security requirements: each is a scheme and the roles it needs (empty: any role).
        /// No requirement, or an empty one, means anyone may call.
        var security: [[(scheme: String, roles: [String])]]?
        var principals: [String]?
        var partnerNames: [String]?
    }

    static func document() throws -> YAMLNode {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        return try YAMLNode.parse(text, file: "docs/openapi.yaml")
    }

    static func value(_ node: YAMLNode, _ key: String) throws -> YAMLNode? {
        try node.mapping().first { $0.key == key }?.value
    }

    /// Every operation of the document, by `METHOD /path/{param}`.
    static func operations() throws -> [String: Operation] {
        let root = try document()
        let parameters = try value(root, "components").flatMap { try value($0, "parameters") }
        var operations: [String: Operation] = [:]
        for path in try value(root, "paths")?.mapping() ?? [] {
            for entry in try path.value.mapping() where ["get", "post", "put", "delete", "patch"].contains(entry.key) {
                let key = "\(entry.key.uppercased()) \(path.key)"
                var operation = Operation(key: key)
                operation.security = try value(entry.value, "security")?.sequence().map { requirement in
                    try requirement.mapping().map { ($0.key, try $0.value.sequence().map { try $0.string() }) }
                }
                operation.principals = try value(entry.value, "x-tongban-principals")?.sequence().map { try $0.string() }
                for parameter in try value(entry.value, "parameters")?.sequence() ?? [] {
                    var resolved = parameter
                    if let reference = try value(parameter, "$ref")?.string(), let parameters {
                        let name = String(reference.split(separator: "/").last ?? "")
                        resolved = try #require(try value(parameters, name), "\(key): \(reference) is not in components/parameters")
                    }
                    guard try value(resolved, "name")?.string() == "partner", let schema = try value(resolved, "schema") else { continue }
                    operation.partnerNames = try value(schema, "enum")?.sequence().map { try $0.string() }
                }
                operations[key] = operation
            }
        }
        return operations
    }

    /// `METHOD /path/{param}` for every operation the document describes.
    static func documented() throws -> Set<String> {
        Set(try operations().keys)
    }

    /// A route as the router registered it, and as the document writes it: `:id` as `{id}`,
    /// each partner's name as the `{partner}` template.
    struct ServedRoute {
        var method: HTTPRequest.Method
        /// With every parameter set to `1` and the partner's own name: a path to call.
        var path: String
        var key: String
        var partner: String?
    }

    static func servedRoutes(_ harness: GatewayHarness) -> [ServedRoute] {
        let router = GatewayRouter(gateway: harness.gateway).makeRouter()
        let partners = Set(harness.gateway.configuration.partners.map(\.name))
        return router.routes.map { route in
            let segments = "\(route.path)".split(separator: "/").map(String.init)
            var documented = segments.map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0 }
            var partner: String?
            if segments.first == "partners", segments.count > 1, partners.contains(segments[1]) {
                partner = segments[1]
                documented[1] = "{partner}"
            }
            let path = "/" + segments.map { $0.hasPrefix(":") ? "1" : $0 }.joined(separator: "/")
            return ServedRoute(method: route.method, path: path, key: "\(route.method) /" + documented.joined(separator: "/"), partner: partner)
        }
    }

    static func served(_ harness: GatewayHarness) -> Set<String> {
        Set(servedRoutes(harness).map(\.key))
    }

    @Test("every route the gateway serves is documented, and every documented operation is served")
    func documentMatchesRouter() async throws {
        let harness = try await GatewayHarness()
        let documented = try Self.documented()
        let served = Self.served(harness)
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
    }

    /// The principal each scheme stands for, as `x-tongban-principals` names it.
    static let principalsByScheme: [String: String] = [
        "apiKey": "window", "hubToken": "hub partner", "apasSignature": "apas partner", "partnerCertificate": "kstb partner",
    ]

    @Test("every operation states its security and its principals, and the two agree; each partner route lists its partner's name")
    func everyOperationNamesItsPrincipals() async throws {
        let harness = try await GatewayHarness()
        let operations = try Self.operations()
        for operation in operations.values.sorted(by: { $0.key < $1.key }) {
            guard let security = operation.security else {
                Issue.record("\(operation.key) has no security of its own")
                continue
            }
            var expected: [String] = []
            for requirement in security {
                if requirement.isEmpty { expected.append("anyone") }
                for (scheme, roles) in requirement {
                    if let principal = Self.principalsByScheme[scheme] {
                        expected.append(principal)
                    } else {
                        expected += roles.isEmpty ? ["viewer", "operator"] : roles
                    }
                }
            }
            if security.isEmpty { expected = ["anyone"] }
            #expect(operation.principals?.sorted() == expected.sorted(), "\(operation.key): x-tongban-principals")
        }
        for route in Self.servedRoutes(harness) {
            guard let partner = route.partner else { continue }
            #expect(operations[route.key]?.partnerNames?.contains(partner) == true, "\(route.key): {partner} does not list \(partner)")
        }
    }

    /// A credential of each kind of principal, presented the way that principal presents it.
    enum Credential: String, CaseIterable, CustomStringConvertible {
        case none, apiKey, hubToken, apasSignature, operatorToken, viewerToken, operatorSession, viewerSession

        var description: String { rawValue }

        /// The document's scheme and the role, for operators.
        var scheme: (name: String, role: String?)? {
            switch self {
            case .none: nil
            case .apiKey: ("apiKey", nil)
            case .hubToken: ("hubToken", nil)
            case .apasSignature: ("apasSignature", nil)
            case .operatorToken: ("operatorToken", "operator")
            case .viewerToken: ("operatorToken", "viewer")
            case .operatorSession: ("consoleSession", "operator")
            case .viewerSession: ("consoleSession", "viewer")
            }
        }
    }

    /// What became of a call, judged by the answer alone.
    enum Outcome: String, CustomStringConvertible {
        /// Turned away for want of an accepted credential: 401 (APAS: code 4011), or the console's
        /// login page (a GET) or its "session has ended" refusal (a POST).
        case unauthenticated
        /// The credential was accepted but its role may not do this.
        case forbidden
        /// Past authentication: whatever the route then answered.
        case admitted

        var description: String { rawValue }
    }

    static func outcome(_ answer: (status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8]), method: HTTPRequest.Method) -> Outcome {
        switch answer.status {
        case .unauthorized: return .unauthenticated
        case .seeOther where method == .get && answer.headers[.location] == "/console/login": return .unauthenticated
        case .forbidden: return answer.body.text.contains("Your session has ended") ? .unauthenticated : .forbidden
        default: return .admitted
        }
    }

    /// What the document says a caller with `credential` gets past authentication.
    static func expected(_ security: [[(scheme: String, roles: [String])]], _ credential: Credential, schemeTypes types: [String: String]) -> Outcome {
        if security.isEmpty || security.contains(where: \.isEmpty) { return .admitted }
        // A client certificate is checked in the TLS handshake, below the router: every HTTP
        // credential, and none, reaches such a route's handler.
        if security.allSatisfy({ $0.allSatisfy { types[$0.scheme] == "mutualTLS" } }) { return .admitted }
        guard let (name, role) = credential.scheme else { return .unauthenticated }
        let matching = security.flatMap { $0 }.filter { $0.scheme == name }
        guard !matching.isEmpty else { return .unauthenticated }
        return matching.contains { $0.roles.isEmpty || role.map($0.roles.contains) == true } ? .admitted : .forbidden
    }

    /// Each security scheme's `type`, by name.
    static func schemeTypes() throws -> [String: String] {
        let schemes = try value(try #require(try value(document(), "components")), "securitySchemes")
        return try Dictionary(uniqueKeysWithValues: (schemes?.mapping() ?? []).map { ($0.key, try value($0.value, "type")?.string() ?? "") })
    }

    static let operatorToken = "demo-operator-token"
    static let viewerToken = "demo-viewer-token"

    /// Calls `route` as `credential` would, with a body the route reads (an empty JSON object,
    /// a console form with the session's CSRF token, a KSTB document, a login form).
    static func call(_ client: some TestClientProtocol, _ route: ServedRoute, as credential: Credential, harness: GatewayHarness) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8]) {
        var headers = HTTPFields()
        var cookies: [String] = []
        var csrf = String(repeating: "0", count: 64)
        var body: [UInt8]? = route.method == .get ? nil : Array("{}".utf8)
        if route.path.hasPrefix("/console") { body = route.method == .get ? nil : [] }
        if route.path.hasSuffix("/kstb/v2/receive") { body = Array(#"<?xml version="1.0"?><KSTB xmlns="urn:ha:zwfw:kstb:2"/>"#.utf8) }
        switch credential {
        case .none: break
        case .apiKey: headers[.authorization] = "Bearer \(GatewayHarness.apiKey)"
        case .hubToken: headers[.authorization] = "Bearer \(GatewayHarness.hubToken)"
        case .operatorToken: headers[.authorization] = "Bearer \(operatorToken)"
        case .viewerToken: headers[.authorization] = "Bearer \(viewerToken)"
        case .apasSignature:
            for (name, value) in PartnerFixtures.apasHeaders(body: body ?? [], now: harness.clock.millis) { headers[.init(name)!] = value }
        case .operatorSession, .viewerSession:
            let browser = try #require(try await ConsoleTests.login(client, credential == .operatorSession ? "duty" : "watcher").browser)
            cookies.append("\(Console.sessionCookie)=\(browser.cookie)")
            csrf = browser.csrf
        }
        if route.path.hasPrefix("/console"), route.method == .post {
            headers[.contentType] = "application/x-www-form-urlencoded"
            var form = [("csrf", csrf), ("reason", "checking who may call")]
            if route.path == "/console/login" {
                // The login form is public: its own CSRF token and a right password are all it needs.
                let page = try await client.send("/console/login", key: nil)
                let token = try #require(ConsoleTests.cookie(Console.loginCookie, in: page.headers))
                cookies.append("\(Console.loginCookie)=\(token)")
                form = [("csrf", token), ("name", "duty"), ("password", ConsoleTests.password)]
            }
            body = ConsoleTests.encode(form)
        }
        if !cookies.isEmpty { headers[.cookie] = cookies.joined(separator: "; ") }
        return try await client.send(route.path, route.method, body: body, key: nil, headers: headers)
    }

    @Test("each route admits exactly the principals its operation's security names: every other credential, and none, is refused", arguments: Credential.allCases)
    func routesEnforceTheDocumentedPrincipals(credential: Credential) async throws {
        let harness = try await GatewayHarness(extraYAML: ConsoleTests.operators)
        let operations = try Self.operations()
        let types = try Self.schemeTypes()
        let routes = Self.servedRoutes(harness)
        try await harness.application().test(.router) { client in
            for route in routes {
                let operation = try #require(operations[route.key], "\(route.key) is served but not documented")
                let security = try #require(operation.security, "\(route.key) has no security")
                // A second apart, so no principal's rate limit answers in place of its authentication.
                harness.advance(.seconds(1))
                let answer = try await Self.call(client, route, as: credential, harness: harness)
                let outcome = Self.outcome(answer, method: route.method)
                #expect(outcome == Self.expected(security, credential, schemeTypes: types),
                        "\(route.method) \(route.path) as \(credential): HTTP \(answer.status.code) \(String(answer.body.text.prefix(160)))")
            }
        }
    }
}
