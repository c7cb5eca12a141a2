/// Failed console logins, counted three ways, each a lock that refuses every login it covers
/// with `429` before the password is looked at (the right one included, so a lock is no oracle,
/// and a refused login costs no scrypt work):
///
/// - a name at one address: 5 wrong passwords within 15 minutes lock that name for that address
///   for 15 minutes. Someone guessing at their own address locks only themselves out: the
///   operator at another address logs in as usual.
/// - one address across names: 20 failed logins within 15 minutes lock the address for 15
///   minutes, whatever name it types next, so spraying a password over many names is as slow.
/// - one name from every address: 50 wrong passwords within 15 minutes lock the name for 15
///   minutes everywhere. This bounds guessing spread over many addresses (at most 50 tries a
///   quarter-hour, about 4,800 a day, against passwords of 12 characters or more); it needs at
///   least ten addresses to reach, and while it holds the operator uses their token.
///
/// Names that are no operator's are counted the same way, so a lock does not tell which names
/// exist. Each count is kept with the account's `passwordHash`: a new password (and a reload)
/// starts the name's counts afresh, ending its locks. Addresses are `AddressBlock`s (an IPv6
/// caller by its /64); behind a proxy that `listen.trustedProxies` does not name, every caller
/// has the proxy's address and the first two counts become the name's and everyone's.
/// Everything is in memory (a restart clears it) and bounded (`FailureWindow`).
final class ConsoleLockout: Sendable {
    static let nameAtAddressPolicy = FailurePolicy(failures: 5, window: 15 * 60_000, lockFor: 15 * 60_000)
    static let addressPolicy = FailurePolicy(failures: 20, window: 15 * 60_000, lockFor: 15 * 60_000)
    static let namePolicy = FailurePolicy(failures: 50, window: 15 * 60_000, lockFor: 15 * 60_000)
    /// Keys each count holds at most.
    static let capacity = 10_000

    /// A name as typed, with the password hash in force for it (nil for a name no operator has).
    struct Account: Hashable, Sendable {
        var name: String
        var hash: String?
    }

    struct NameAtAddress: Hashable, Sendable {
        var account: Account
        var address: AddressBlock?
    }

    /// Which count a lock comes from: what the refusal page and the log say.
    enum Scope: String, Sendable {
        case nameAtAddress = "this name from this address"
        case address = "this address"
        case name = "this name, from every address"
    }

    struct Lock: Sendable, Equatable {
        var remaining: Int64
        /// The count of the lock that ends last; of equals, the widest (the address's, then the
        /// name's): what the refusal page says.
        var scope: Scope
        /// The locks this failure started, for the log: each is said once.
        var started: [Scope] = []

        var retryAfterSeconds: Int { Int(max(1, (remaining + 999) / 1000)) }
    }

    private let nameAtAddress = FailureWindow<NameAtAddress>(nameAtAddressPolicy, capacity: capacity)
    private let address = FailureWindow<AddressBlock?>(addressPolicy, capacity: capacity)
    private let name = FailureWindow<Account>(namePolicy, capacity: capacity)

    /// The lock covering a login for `account` from `address` now; nil: check the password.
    func lock(_ account: Account, from address: AddressBlock?, now: Int64) -> Lock? {
        Self.longest([
            (self.address.lock(address, now: now), .address),
            (name.lock(account, now: now), .name),
            (nameAtAddress.lock(NameAtAddress(account: account, address: address), now: now), .nameAtAddress),
        ])
    }

    /// Counts a wrong password for `account` from `address` in all three counts; the lock in
    /// force after it, if any.
    func failed(_ account: Account, from address: AddressBlock?, now: Int64) -> Lock? {
        Self.longest([
            (self.address.failed(address, now: now), .address),
            (name.failed(account, now: now), .name),
            (nameAtAddress.failed(NameAtAddress(account: account, address: address), now: now), .nameAtAddress),
        ])
    }

    /// A successful login forgets the name's failures at that address. The address's and the
    /// name's counts go on: one success does not end an attack from elsewhere.
    func succeeded(_ account: Account, from address: AddressBlock?) {
        nameAtAddress.forget(NameAtAddress(account: account, address: address))
    }

    /// The lock that ends last; of equals, the first listed (the widest).
    private static func longest(_ locks: [(FailureLock?, Scope)]) -> Lock? {
        let held = locks.compactMap { lock, scope in lock.map { ($0, scope) } }
        guard let last = held.max(by: { $0.0.remaining < $1.0.remaining }) else { return nil }
        return Lock(remaining: last.0.remaining, scope: last.1, started: held.filter { $0.0.started }.map(\.1))
    }
}
