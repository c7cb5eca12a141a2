import Synchronization

/// Whether the data directory's filesystem has room for new work. `FreeSpaceWatch` records a
/// measurement every few seconds; whatever would store new work (a window's case, a partner's
/// message) asks `admit()` first, while deliveries, acknowledgements and reads go on, so the
/// backlog keeps draining into the room the threshold leaves.
public final class StorageGuard: Sendable {
    /// One look at the disk.
    public struct Reading: Sendable, Equatable {
        /// Bytes an unprivileged process may still write on the data directory's filesystem.
        public var freeBytes: Int64
        /// The database and its WAL.
        public var databaseBytes: Int64

        public init(freeBytes: Int64, databaseBytes: Int64) {
            self.freeBytes = freeBytes
            self.databaseBytes = databaseBytes
        }
    }

    /// How a reading changed the guard's answer.
    public enum Change: Sendable, Equatable {
        /// Free space fell below the threshold: new work is refused from now on.
        case started
        /// Free space is back at the threshold or above: new work is taken again.
        case ended
    }

    /// `storage.minFreeSpace`; 0 never refuses.
    public let minimumFreeBytes: Int64
    /// The last reading; nil before the first, which admits (the server measures before it listens).
    private let last = Mutex<Reading?>(nil)

    public init(minimumFreeBytes: Int64) {
        self.minimumFreeBytes = minimumFreeBytes
    }

    /// Keeps `reading` as the current state of the disk; answers whether it started or ended a
    /// shortage, nil when nothing changed.
    @discardableResult
    public func record(_ reading: Reading) -> Change? {
        let minimum = minimumFreeBytes
        return last.withLock { last in
            let wasShort = last.map { $0.freeBytes < minimum } ?? false
            last = reading
            let isShort = reading.freeBytes < minimum
            return wasShort == isShort ? nil : isShort ? .started : .ended
        }
    }

    /// Why new work is refused now; nil while there is room.
    public var shortage: StorageShortage? {
        guard let reading = last.withLock({ $0 }), reading.freeBytes < minimumFreeBytes else { return nil }
        return .nearlyFull(freeBytes: reading.freeBytes, minimumBytes: minimumFreeBytes)
    }

    /// Throws the shortage while there is one.
    func admit() throws(StorageShortage) {
        if let shortage { throw shortage }
    }
}
