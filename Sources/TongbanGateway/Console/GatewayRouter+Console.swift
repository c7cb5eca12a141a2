import Hummingbird

extension GatewayRouter {
    /// `/console/…`: the operators' web console (see `Console`). Its sessions live as long as
    /// this router, i.e. the gateway process. A signed-in operator's pages count against their
    /// rate limit.
    func addConsoleRoutes(to pages: RouterGroup<Context>) {
        let console = Console(gateway: gateway)
        let group = pages.add(middleware: RateLimitMiddleware<Context>(gateway: gateway, principal: console.principal, refuse: console.rateLimited))
        group.get("login") { request, _ in console.loginForm(request) }
        group.post("login") { request, context in try await console.login(request, context) }
        group.post("logout") { request, _ in try await console.logout(request) }
        group.get { request, _ in try await console.signedIn(request) { try await console.overview($0) } }
        group.get("dead-letters") { request, _ in try await console.signedIn(request) { try await console.deadLetters(request, $0) } }
        group.get("transfers/:id") { request, context in try await console.signedIn(request) { try await console.transfer(context.parameters.get("id", as: Int64.self), $0) } }
        group.post("transfers/:id/close") { request, context in try await console.close(context.parameters.get("id", as: Int64.self), request) }
        group.post("replays/:id/pause") { request, context in
            try await console.steerReplay(context.parameters.get("id", as: Int64.self), pause: true, request)
        }
        group.post("replays/:id/resume") { request, context in
            try await console.steerReplay(context.parameters.get("id", as: Int64.self), pause: false, request)
        }
        group.get("replay") { request, _ in try await console.signedIn(request) { console.replayForm(request, $0) } }
        group.post("replay") { request, _ in try await console.replay(request) }
        group.get("replays/:id") { request, context in try await console.signedIn(request) { try await console.replayProgress(context.parameters.get("id", as: Int64.self), $0) } }
        group.get("log") { request, _ in try await console.signedIn(request) { try await console.messageLog(request, $0) } }
        group.get("overdue") { request, _ in try await console.signedIn(request) { try await console.overdue($0) } }
    }
}
