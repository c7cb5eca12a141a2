import Synchronization

/// The keys a store seals and opens records with: `current` seals everything written from now
/// on, and every key listed opens the records sealed with it. Rotating is adding a key, making it
/// current, re-sealing the older records (`SQLiteStore.reseal`), then dropping the old key.
///
/// Without a current key records are written in clear: a store made before encryption existed,
/// or a configuration without `storage.encryption` (the gateway warns at start).
public struct StorageKeyring: Sendable {
    /// Seals new records; nil: new records are written in clear.
    public let current: StorageKey?
    /// Every key that opens records, by id, the current one included.
    public let byID: [String: StorageKey]

    /// No keys: records are written in clear, and a sealed record cannot be read.
    public static let none = StorageKeyring(current: nil, byID: [:])

    private init(current: StorageKey?, byID: [String: StorageKey]) {
        self.current = current
        self.byID = byID
    }

    /// Seals with the key `current`, opens with any of `keys`. Throws when two keys share an id
    /// or the same bytes (a copied file listed twice would hide which records need which file),
    /// or when `current` is not among them.
    public init(current: String, keys: [StorageKey]) throws(StorageKeyError) {
        var byID: [String: StorageKey] = [:]
        for key in keys {
            if let twin = byID[key.id] {
                throw StorageKeyError("key id '\(key.id)' is listed twice (\(twin.file) and \(key.file)): each key needs an id of its own")
            }
            if let twin = byID.values.first(where: { $0.sameKey(as: key) }) {
                throw StorageKeyError("keys '\(twin.id)' (\(twin.file)) and '\(key.id)' (\(key.file)) are the same key: a new key is made with `tongban keys generate FILE`")
            }
            byID[key.id] = key
        }
        guard let sealing = byID[current] else {
            throw StorageKeyError("the current key '\(current)' is not among the keys listed (\(byID.keys.sorted().joined(separator: ", ")))")
        }
        self.init(current: sealing, byID: byID)
    }

    /// The key ids, current first, for messages and the reload log (never key material).
    public var summary: String {
        guard let current else { return "none (records are written in clear)" }
        let others = byID.keys.filter { $0 != current.id }.sorted()
        return "current '\(current.id)'" + (others.isEmpty ? "" : ", also " + others.map { "'\($0)'" }.joined(separator: ", "))
    }
}

/// The keyring a store uses now; replaced whole by a reload, so a write group or a read sees
/// one keyring from start to end.
final class KeyringBox: Sendable {
    private let keyring: Mutex<StorageKeyring>

    init(_ keyring: StorageKeyring) {
        self.keyring = Mutex(keyring)
    }

    var current: StorageKeyring {
        keyring.withLock { $0 }
    }

    func replace(with keyring: StorageKeyring) {
        self.keyring.withLock { $0 = keyring }
    }
}
