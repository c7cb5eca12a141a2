import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One key the store seals records with: 256 random bits, named by an id that every record
/// sealed with it carries, so keys can rotate while older records stay readable.
///
/// The key lives in a file of its own (see `read(id:file:)` for the format), never in the
/// configuration, so the configuration and the database's backups can be handled without it.
public struct StorageKey: Sendable {
    /// AES-256.
    public static let byteCount = 32
    /// At most 64 characters from `A–Z a–z 0–9 . _ -`: the id is written into every record's
    /// header, and shown in error messages and `tongban keys status`.
    public static let maximumIDLength = 64

    public let id: String
    /// The file the key came from, named in every error about the key.
    public let file: String
    /// Kept as bytes (Sendable) and made into a `SymmetricKey` per use: swift-crypto's key type
    /// is not `Sendable` in the version this package uses.
    let material: [UInt8]
    /// What every value sealed with this key begins with (`SealedValue`), made once.
    let header: [UInt8]

    /// A key from its bytes; `file` is where they came from. Throws when `id` is not a valid id
    /// or the bytes are not 32.
    public init(id: String, bytes: [UInt8], file: String) throws(StorageKeyError) {
        try Self.check(id: id)
        guard bytes.count == Self.byteCount else {
            throw StorageKeyError("the key file \(file) (key '\(id)') holds \(bytes.count) bytes; a key is \(Self.byteCount) random bytes, in base64 (44 characters): make one with `tongban keys generate FILE`")
        }
        self.id = id
        self.file = file
        self.material = bytes
        self.header = SealedValue.header(keyID: id)
    }

    /// Reads the key `id` from `file`: lines beginning with `#` and blank lines are ignored, the
    /// one other line is the key in base64 (standard alphabet, with padding). Throws naming the
    /// key id and the file when the file cannot be read or does not hold a 32-byte key.
    public static func read(id: String, file: String) throws(StorageKeyError) -> StorageKey {
        try check(id: id)
        let data = try contents(of: file, id: id)
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1, let bytes = Data(base64Encoded: lines[0]) else {
            throw StorageKeyError("the key file \(file) (key '\(id)') does not hold a key: it must be one line of base64 (32 random bytes, 44 characters), comment lines beginning with #; make one with `tongban keys generate FILE`")
        }
        return try StorageKey(id: id, bytes: Array(bytes), file: file)
    }

    /// Writes a new random key to `file`, which must not exist, readable and writable by its
    /// owner only (mode 0600), and synced before this returns: a key that was reported written
    /// and then lost with a power cut would make every record sealed with it unreadable.
    public static func generate(file: String) throws(StorageKeyError) {
        let key = SymmetricKey(size: .bits256)
        let base64 = key.withUnsafeBytes { Data($0).base64EncodedString() }
        let text = """
            # Tongban storage key (AES-256-GCM), base64. It opens every record sealed with it: keep it
            # readable by the gateway's user only, and back it up apart from the database and its backups.
            \(base64)

            """
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw StorageKeyError(errno == EEXIST
                ? "\(file) already exists: a key file is never overwritten (records sealed with it would be lost); choose another name"
                : "cannot create the key file \(file): \(reason)")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(file)
            throw StorageKeyError("cannot write the key file \(file): \(reason)")
        }
    }

    static func check(id: String) throws(StorageKeyError) {
        let allowed = id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard !id.isEmpty, id.utf8.count <= maximumIDLength, allowed else {
            throw StorageKeyError("'\(id)' is not a key id: 1 to \(maximumIDLength) characters from A–Z, a–z, 0–9, '.', '_' and '-'")
        }
    }

    /// The bytes of `file`, or an error with the system's reason (`No such file or directory`,
    /// `Permission denied`, `Is a directory`).
    private static func contents(of file: String, id: String) throws(StorageKeyError) -> [UInt8] {
        func failure() -> StorageKeyError {
            StorageKeyError("cannot read the key file \(file) (key '\(id)'): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure() }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard count >= 0 else { throw failure() }
            if count == 0 { return bytes }
            bytes += buffer[..<count]
            // A key file is a few lines: anything this large is the wrong file.
            guard bytes.count <= 64 * 1024 else {
                throw StorageKeyError("the key file \(file) (key '\(id)') is over 64 KiB: it is not a key file")
            }
        }
    }

    /// Whether `other` holds the same key bytes (under whatever id or file).
    public func sameKey(as other: StorageKey) -> Bool {
        material == other.material
    }

    var symmetricKey: SymmetricKey { SymmetricKey(data: material) }
}

/// A key that cannot be used, and why, naming the key id and its file.
public struct StorageKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }
}
