import _CryptoExtras
import Crypto
import Foundation
import TongbanCore
import TongbanPartners

/// An operator's console password as the configuration keeps it: scrypt with a per-user random
/// salt, written `scrypt$ln=15,r=8,p=1$SALT$KEY` (base64). The cost travels with the hash, so a
/// stronger default later does not invalidate the hashes already in configuration files.
///
/// scrypt rather than a fast digest: a stolen configuration file must not be cheap to brute-force.
/// ln=15, r=8 costs 32 MiB and about a tenth of a second per try on a server core.
public struct PasswordHash: Sendable, Equatable {
    /// log2 of scrypt's N.
    public let logRounds: Int
    public let blockSize: Int
    public let parallelism: Int
    public let salt: [UInt8]
    public let key: [UInt8]

    public static let defaultLogRounds = 15
    /// Accepted costs: below 10 is too cheap to be a password hash; above 20 (1 GiB at r=8) would
    /// let a configuration mistake stall every login.
    public static let logRoundsRange = 10...20

    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    /// A new hash of `password` with a fresh 16-byte salt.
    public static func make(_ password: String, logRounds: Int = defaultLogRounds) throws -> PasswordHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let key = try derive(password, salt: salt, logRounds: logRounds, blockSize: 8, parallelism: 1)
        return PasswordHash(logRounds: logRounds, blockSize: 8, parallelism: 1, salt: salt, key: key)
    }

    /// Reads the configuration's form, refusing anything `make` would not have written.
    public init(encoded text: String) throws(Malformed) {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        let usage = Malformed(description: "not a password hash: expected scrypt$ln=N,r=N,p=N$SALT$KEY as `tongban operator hash-password` prints")
        guard parts.count == 4, parts[0] == "scrypt" else { throw usage }
        var costs: [String: Int] = [:]
        for pair in parts[1].split(separator: ",") {
            let halves = pair.split(separator: "=")
            guard halves.count == 2, let value = Int(halves[1]) else { throw usage }
            costs[String(halves[0])] = value
        }
        guard Set(costs.keys) == ["ln", "r", "p"], let ln = costs["ln"], let r = costs["r"], let p = costs["p"],
              let salt = Data(base64Encoded: String(parts[2])), let key = Data(base64Encoded: String(parts[3])) else { throw usage }
        guard Self.logRoundsRange.contains(ln), (1...32).contains(r), (1...16).contains(p) else {
            throw Malformed(description: "password hash costs out of range: ln \(Self.logRoundsRange), r 1…32, p 1…16")
        }
        guard salt.count >= 16, key.count == 32 else { throw Malformed(description: "password hash: salt of at least 16 bytes and a 32-byte key expected") }
        self.init(logRounds: ln, blockSize: r, parallelism: p, salt: Array(salt), key: Array(key))
    }

    private init(logRounds: Int, blockSize: Int, parallelism: Int, salt: [UInt8], key: [UInt8]) {
        self.logRounds = logRounds
        self.blockSize = blockSize
        self.parallelism = parallelism
        self.salt = salt
        self.key = key
    }

    public var encoded: String {
        "scrypt$ln=\(logRounds),r=\(blockSize),p=\(parallelism)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    /// Whether `password` is the one hashed, compared in constant time.
    public func matches(_ password: String) -> Bool {
        guard let derived = try? Self.derive(password, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism) else {
            return false
        }
        return Digests.constantTimeEqual(Digests.hex(derived), Digests.hex(key))
    }

    private static func derive(_ password: String, salt: [UInt8], logRounds: Int, blockSize: Int, parallelism: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logRounds,
                                           blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Array($0) }
    }
}

extension YAMLNode {
    /// An operator's `passwordHash`, refused with the file and line when malformed.
    func passwordHash() throws(MappingError) -> PasswordHash {
        let text = try string("a password hash")
        do {
            return try PasswordHash(encoded: text)
        } catch {
            throw self.error(error.description)
        }
    }
}
