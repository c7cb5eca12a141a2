import Crypto
import TongbanCore

/// One entry of the message log: a message the gateway received or sent, or an operator's
/// action. Entries form a hash chain (each names the hash of the one before), so an entry altered,
/// removed or inserted afterwards breaks every hash after it; `tongban log verify` finds the first.
///
/// The chain covers the body's SHA-256, not the body: bodies are purged after their retention
/// period (`body` becomes nil) and the chain still verifies.
public struct MessageLogEntry: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        /// A message the gateway received (a window's case, a partner's notice or poll).
        case inbound = "in"
        /// A message the gateway sent (a delivery attempt).
        case outbound = "out"
        /// Something an operator did (a replay, a pause, a breaker reset), with their reason.
        case action
    }

    /// 1, 2, 3 … without gaps: a missing number is a removed entry.
    public var seq: Int64
    /// Milliseconds since the Unix epoch (UTC).
    public var at: Int64
    public var direction: Direction
    /// The other side: a partner's name, the local system's, or `operator`.
    public var party: String
    /// `POST /partners/henan-tongbai/kstb` for HTTP messages; the action's name for actions.
    public var route: String?
    public var caseID: String?
    public var transferID: Int64?
    /// The message's own id where it has one (BWBH, msg_id, the gateway's message id).
    public var messageID: String?
    /// Lower-case hex SHA-256 of the exact bytes of the message (the request body); nil when it had none.
    public var bodyDigest: String?
    /// Lower-case hex SHA-256 of the exact bytes of the answer; nil when it had none.
    public var answerDigest: String?
    public var httpStatus: Int?
    /// The partner's result code or the attempt's outcome.
    public var result: String?
    /// Who made it happen: `worker`, `partner:NAME`, `local:NAME`, `operator:NAME`.
    public var actor: String
    /// The reason an operator typed.
    public var reason: String?
    /// The message's bytes until they are purged.
    public var body: [UInt8]?
    public var previousHash: String
    public var hash: String

    /// The hash before the first entry.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The hash an entry with these fields must carry: SHA-256 over the previous hash and every
    /// field but the body and the hash, each length-prefixed so no two different entries encode
    /// the same way.
    public static func chainHash(previous: String, seq: Int64, at: Int64, direction: Direction, party: String, route: String?,
                                 caseID: String?, transferID: Int64?, messageID: String?, bodyDigest: String?,
                                 answerDigest: String?, httpStatus: Int?, result: String?, actor: String, reason: String?) -> String {
        var encoded: [UInt8] = []
        encoded.reserveCapacity(512)
        func field(_ value: String?) {
            guard let value else {
                encoded.append(UInt8(ascii: "-"))
                return
            }
            encoded.append(contentsOf: String(value.utf8.count).utf8)
            encoded.append(UInt8(ascii: ":"))
            encoded.append(contentsOf: value.utf8)
        }
        field(previous)
        field(String(seq))
        field(String(at))
        field(direction.rawValue)
        field(party)
        field(route)
        field(caseID)
        field(transferID.map { String($0) })
        field(messageID)
        field(bodyDigest)
        field(answerDigest)
        field(httpStatus.map { String($0) })
        field(result)
        field(actor)
        field(reason)
        return hex(SHA256.hash(data: encoded))
    }

    /// The hash this entry's fields call for after `previous`.
    public func expectedHash(after previous: String) -> String {
        Self.chainHash(previous: previous, seq: seq, at: at, direction: direction, party: party, route: route, caseID: caseID,
                       transferID: transferID, messageID: messageID, bodyDigest: bodyDigest, answerDigest: answerDigest,
                       httpStatus: httpStatus, result: result, actor: actor, reason: reason)
    }

    /// Lower-case hex SHA-256 of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.withUnsafeBytes(LowercaseHex.string)
    }
}

/// What a caller logs; the store numbers it and chains it to the entry before.
public struct MessageLogDraft: Sendable, Hashable {
    public var at: Int64
    public var direction: MessageLogEntry.Direction
    public var party: String
    public var route: String?
    public var caseID: String?
    public var transferID: Int64?
    public var messageID: String?
    /// The message's bytes; their digest is taken when they are set, by the caller, so that a
    /// draft made before its write spares the single writer thread the hashing.
    public var body: [UInt8]? {
        didSet { bodyDigest = body.map(MessageLogEntry.digest) }
    }
    public private(set) var bodyDigest: String?
    public var answerDigest: String?
    public var httpStatus: Int?
    public var result: String?
    public var actor: String
    public var reason: String?

    public init(at: Int64, direction: MessageLogEntry.Direction, party: String, route: String? = nil, caseID: String? = nil,
                transferID: Int64? = nil, messageID: String? = nil, body: [UInt8]? = nil, answerDigest: String? = nil,
                httpStatus: Int? = nil, result: String? = nil, actor: String, reason: String? = nil) {
        self.at = at
        self.direction = direction
        self.party = party
        self.route = route
        self.caseID = caseID
        self.transferID = transferID
        self.messageID = messageID
        self.body = body
        self.bodyDigest = body.map(MessageLogEntry.digest)
        self.answerDigest = answerDigest
        self.httpStatus = httpStatus
        self.result = result
        self.actor = actor
        self.reason = reason
    }

    /// The entry after one numbered `previousSeq` with hash `previousHash`.
    func entry(after previousSeq: Int64, previousHash: String) -> MessageLogEntry {
        let seq = previousSeq + 1
        let hash = MessageLogEntry.chainHash(
            previous: previousHash, seq: seq, at: at, direction: direction, party: party, route: route, caseID: caseID,
            transferID: transferID, messageID: messageID, bodyDigest: bodyDigest, answerDigest: answerDigest,
            httpStatus: httpStatus, result: result, actor: actor, reason: reason)
        return MessageLogEntry(seq: seq, at: at, direction: direction, party: party, route: route, caseID: caseID,
                               transferID: transferID, messageID: messageID, bodyDigest: bodyDigest, answerDigest: answerDigest,
                               httpStatus: httpStatus, result: result, actor: actor, reason: reason, body: body,
                               previousHash: previousHash, hash: hash)
    }
}
