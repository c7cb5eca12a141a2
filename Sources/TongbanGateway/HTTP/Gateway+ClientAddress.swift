import HTTPTypes
import Hummingbird

extension Gateway {
    /// The address a call's failed authentication counts against: the connection's peer; when
    /// the peer is one of `listen.trustedProxies`, the address its `X-Forwarded-For` names
    /// nearest to it that is not a trusted proxy itself (entries further left were written by
    /// the caller and prove nothing). Nil without an IP peer (an in-process test).
    func clientAddress(_ request: Request, _ context: GatewayRequestContext) -> IPAddress? {
        guard let peer = IPAddress(context.channel.remoteAddress) else { return nil }
        let proxies = configuration.trustedProxies
        func trusted(_ address: IPAddress) -> Bool { proxies.contains { $0.contains(address) } }
        guard trusted(peer) else { return peer }
        var caller = peer
        let hops = request.headers[values: Self.forwardedFor].flatMap { $0.split(separator: ",") }
        for hop in hops.reversed() {
            // Something that is no address (an `unknown`, a port) ends the chain at the last proxy.
            guard let address = IPAddress(hop.trimmingBlanks) else { break }
            caller = address
            guard trusted(address) else { break }
        }
        return caller
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}

extension Substring {
    fileprivate var trimmingBlanks: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
