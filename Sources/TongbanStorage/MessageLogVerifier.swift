/// What `MessageLogVerifier` found.
public struct MessageLogVerification: Sendable, Equatable {
    /// The first entry found altered or missing, and why.
    public struct Problem: Sendable, Equatable {
        public var seq: Int64
        public var reason: String
    }

    /// How many entries were checked.
    public var checked: Int64
    /// The last entry checked: an operator may note its number and hash and later pass them as
    /// the anchor, which also catches entries removed from the end of the log.
    public var headSeq: Int64
    public var headHash: String
    /// Nil when the chain is intact.
    public var problem: Problem?
}

/// Walks the message log from its first entry and checks the chain: numbers without gaps, each
/// entry naming the hash of the one before, each hash matching its entry's content, and each
/// body still kept matching its digest.
public enum MessageLogVerifier {
    /// - Parameter anchor: an entry noted earlier (its number and hash); the log must still hold
    ///   it unchanged. Without one, entries removed from the end cannot be told from entries
    ///   never written.
    public static func verify(_ store: any GatewayStore, anchor: (seq: Int64, hash: String)? = nil,
                              pageSize: Int = 1000) async throws -> MessageLogVerification {
        var result = MessageLogVerification(checked: 0, headSeq: 0, headHash: MessageLogEntry.genesisHash, problem: nil)
        func fail(_ seq: Int64, _ reason: String) -> MessageLogVerification {
            var failed = result
            failed.problem = .init(seq: seq, reason: reason)
            return failed
        }
        while true {
            let after = result.headSeq
            let page = try await store.read { reader in try reader.messageLog(after: after, limit: pageSize) }
            for entry in page {
                let previous = result.headSeq
                if entry.seq != previous + 1 {
                    let missing = entry.seq - previous - 1
                    return fail(previous + 1, missing == 1
                        ? "entry \(previous + 1) is missing (entry \(previous) is followed by entry \(entry.seq))"
                        : "entries \(previous + 1) to \(entry.seq - 1) are missing (entry \(previous) is followed by entry \(entry.seq))")
                }
                if entry.previousHash != result.headHash {
                    return previous == 0
                        ? fail(entry.seq, "entry 1 does not start the chain (its previous hash is not the genesis hash)")
                        : fail(previous, "entry \(previous) was altered: entry \(entry.seq) names a different hash for it")
                }
                if entry.expectedHash(after: result.headHash) != entry.hash {
                    return fail(entry.seq, "entry \(entry.seq) was altered: its content does not match its hash")
                }
                if let body = entry.body, MessageLogEntry.digest(body) != entry.bodyDigest {
                    return fail(entry.seq, "the body of entry \(entry.seq) was altered: it does not match its SHA-256")
                }
                if let anchor, anchor.seq == entry.seq, anchor.hash != entry.hash {
                    return fail(entry.seq, "entry \(entry.seq) is not the one noted: its hash is \(entry.hash), not \(anchor.hash)")
                }
                result.checked += 1
                result.headSeq = entry.seq
                result.headHash = entry.hash
            }
            if page.count < pageSize { break }
        }
        if let anchor, anchor.seq > result.headSeq {
            return fail(result.headSeq + 1, "the log ends at entry \(result.headSeq), before the noted entry \(anchor.seq): entries were removed from its end")
        }
        return result
    }
}
