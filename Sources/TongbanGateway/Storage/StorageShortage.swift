import TongbanStorage

/// Why the gateway is not storing new work now. Thrown before anything is written (the guard)
/// or made from the store's `unwritable` (a write that found the disk full); either way nothing
/// of the request was kept, and the same request can succeed once there is room again, which is
/// what every answer built from it says (a 503 problem, KSTB `JG=9`, APAS `5000`, a hub item
/// with `retry: true`).
public enum StorageShortage: Error, Sendable, Equatable, CustomStringConvertible {
    /// The data directory's filesystem has less free space than `storage.minFreeSpace`: refused
    /// before anything was written, so deliveries and acknowledgements keep the room they need.
    case nearlyFull(freeBytes: Int64, minimumBytes: Int64)
    /// The engine could not write (the disk is full, or a write or sync failed); the transaction
    /// was rolled back.
    case unwritable

    /// `Retry-After` of every refusal: room comes back when an operator makes it, in minutes
    /// rather than seconds, so callers need not try more often than this.
    static let retryAfterSeconds = 60

    /// `error` as a shortage: itself, or the store's `unwritable`; nil for any other error.
    init?(_ error: any Error) {
        if let shortage = error as? StorageShortage {
            self = shortage
        } else if case .unwritable? = error as? StoreError {
            self = .unwritable
        } else {
            return nil
        }
    }

    /// What callers are told: no engine text, path or figure, which are for the operators' log.
    public var description: String {
        switch self {
        case .nearlyFull: "storage is nearly full: nothing was stored; try again later"
        case .unwritable: "storage could not be written (the disk is full or failing): nothing was stored; try again later"
        }
    }
}
