/// Who a call was authenticated as: what a rate limit is kept for. The name is a configured name
/// (an API key's `name`, a partner's, an operator's), never a key or a token, so it may appear in
/// answers, logs and metric labels.
struct Principal: Hashable, Sendable, CustomStringConvertible {
    enum Kind: String, Sendable {
        /// A window system of the local side, by its API key's name.
        case local
        case partner
        case `operator`
    }

    let kind: Kind
    let name: String

    static func local(_ name: String) -> Principal { Principal(kind: .local, name: name) }
    static func partner(_ name: String) -> Principal { Principal(kind: .partner, name: name) }
    static func `operator`(_ name: String) -> Principal { Principal(kind: .operator, name: name) }

    var description: String { "\(kind.rawValue):\(name)" }

    /// Bound by the middleware that authenticated the call (the API key check), for the
    /// middleware after it that limits the call's rate.
    @TaskLocal static var current: Principal?
}
