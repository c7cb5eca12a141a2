import Crypto
import Foundation

/// The columns that can hold a citizen's data (names, ID numbers, phones, addresses): canonical
/// cases and statuses, payloads, the partners' answers and the message log's bodies. Each value
/// is sealed on its own (AES-256-GCM); every other column stays in clear because queries filter
/// on it, and none of those holds personal data.
public enum SealedColumn: String, Sendable, CaseIterable {
    case caseCanonical = "case_versions.canonical"
    case statusCanonical = "statuses.canonical"
    case transferPayload = "transfers.payload"
    /// The last answer or transport error: partners' answers may quote the case.
    case transferLastError = "transfers.last_error"
    case attemptDetail = "attempts.detail"
    case inboundAnswer = "inbound_messages.answer"
    case messageLogBody = "message_log.body"
}

/// Which record a sealed value belongs to. The identity is bound to the ciphertext as
/// authenticated data, so a value copied into another row (another case's version, another
/// transfer) fails to open instead of being read as that row's.
struct SealedRecord {
    let column: SealedColumn
    /// Values that identify the row and are known before it is inserted (a status's own number
    /// and a transfer's id are assigned by the insert, so they are not part of it).
    let identity: [String]
    /// The row's number where it has one, named in errors only.
    var row: Int64? = nil

    /// How errors name the record: ids only, never its content.
    var description: String {
        let part = { (index: Int) in identity.indices.contains(index) ? identity[index] : "?" }
        let what: String
        switch column {
        case .caseCanonical: what = "case \(part(0)) version \(part(1))"
        case .statusCanonical: what = "status \(row.map(String.init) ?? "?") of case \(part(0))"
        case .transferPayload, .transferLastError: what = "transfer \(row.map(String.init) ?? "?") (message \(part(1)) to \(part(0)))"
        case .attemptDetail: what = "attempt \(part(1)) of transfer \(part(0))"
        case .inboundAnswer: what = "the answer to message \(part(1)) from \(part(0))"
        case .messageLogBody: what = "message log entry \(part(0))"
        }
        return "\(what), \(column.rawValue)"
    }
}

/// A sealed value that cannot be opened, naming the record and the key, never silent garbage.
public struct SealedRecordError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        /// Sealed with a key the keyring does not hold: its file is missing from the configuration.
        case keyNotConfigured(keyID: String)
        /// The key is there but the value does not open: altered, truncated, or copied from
        /// another record.
        case failedAuthentication(keyID: String)
        /// Not a sealed value this version can read.
        case unreadable(String)
    }

    /// Which record, by its ids and column.
    public var record: String
    public var problem: Problem

    public var description: String {
        switch problem {
        case .keyNotConfigured(let id):
            "\(record): sealed with key '\(id)', which is not configured: list it under storage.encryption.keys with its file"
        case .failedAuthentication(let id):
            "\(record): does not open with key '\(id)' (authentication failed): it was altered, or copied from another record"
        case .unreadable(let why):
            "\(record): not a sealed value this version can read (\(why))"
        }
    }
}

/// How a sealed value is stored: a header, then swift-crypto's combined AES-GCM box.
///
///     00 74 62 73   magic "\0tbs": no plaintext the gateway stores (JSON, XML in UTF-8 or
///                   GB18030, partners' answers) begins with a NUL, so a value without it is a
///                   row written in clear before encryption was configured
///     01            format version (00: a value in clear that happens to begin with the
///                   magic, which follows as it is, so a hostile body cannot pass for sealed)
///     nn            length of the key id (1–64), then the key id (ASCII)
///     12 bytes      random nonce
///     …             ciphertext, as long as the plaintext
///     16 bytes      authentication tag
///
/// The key id sits in the value itself rather than in a column beside it: seven columns in six
/// tables would each need a companion column, and a value copied elsewhere (a backup, an
/// operator's export) keeps the name of the key that opens it. The header and the record's
/// identity are the authenticated data.
enum SealedValue {
    static let magic: [UInt8] = [0x00, 0x74, 0x62, 0x73]
    static let version: UInt8 = 1
    /// A value stored in clear behind the magic and this byte, because it began with the magic.
    static let escapedClear: UInt8 = 0
    static let nonceBytes = 12
    static let tagBytes = 16

    /// What a stored value is, read from its header alone (no key needed).
    enum State: Equatable {
        case clear
        case sealed(keyID: String)
        case unreadable(String)
    }

    /// - Parameter truncated: `stored` is only the value's first bytes (a census reads headers
    ///   alone), so its length says nothing about the value's.
    static func state(of stored: some Collection<UInt8>, truncated: Bool = false) -> State {
        guard stored.starts(with: magic) else { return .clear }
        let bytes = Array(stored.prefix(magic.count + 2 + StorageKey.maximumIDLength))
        guard bytes.count > magic.count else { return .unreadable("its header is cut short") }
        if bytes[magic.count] == escapedClear { return .clear }
        guard bytes.count > magic.count + 1 else { return .unreadable("its header is cut short") }
        guard bytes[magic.count] == version else { return .unreadable("format \(bytes[magic.count]); this version reads format \(version)") }
        let length = Int(bytes[magic.count + 1])
        let start = magic.count + 2
        guard length >= 1, length <= StorageKey.maximumIDLength, bytes.count >= start + length,
              truncated || stored.count >= start + length + nonceBytes + tagBytes else {
            return .unreadable("its header is cut short")
        }
        return .sealed(keyID: String(decoding: bytes[start..<(start + length)], as: UTF8.self))
    }

    static func header(keyID: String) -> [UInt8] {
        magic + [version, UInt8(keyID.utf8.count)] + Array(keyID.utf8)
    }

    /// The header, then the column's name and the record's identity, each length-prefixed so
    /// that no two records share an encoding.
    static func authenticatedData(header: [UInt8], _ record: SealedRecord) -> [UInt8] {
        var data: [UInt8] = []
        data.reserveCapacity(header.count + 4 + record.column.rawValue.utf8.count + record.identity.reduce(0) { $0 + 4 + $1.utf8.count })
        data += header
        func field(_ text: String) {
            let count = UInt32(text.utf8.count)
            data += [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
            data += text.utf8
        }
        field(record.column.rawValue)
        for part in record.identity { field(part) }
        return data
    }
}

extension StorageKeyring {
    /// `plaintext` sealed with the current key for `record`, or `plaintext` itself when there
    /// is no current key (records are then written in clear).
    func seal(_ plaintext: [UInt8], _ record: SealedRecord) throws -> [UInt8] {
        guard let current else {
            return plaintext.starts(with: SealedValue.magic) ? SealedValue.magic + [SealedValue.escapedClear] + plaintext : plaintext
        }
        return try Self.seal(plaintext, record, with: current)
    }

    static func seal(_ plaintext: [UInt8], _ record: SealedRecord, with key: StorageKey) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key.symmetricKey,
                                   authenticating: SealedValue.authenticatedData(header: key.header, record))
        guard let combined = box.combined else {
            throw SealedRecordError(record: record.description, problem: .unreadable("AES-GCM gave no combined box"))
        }
        var sealed = key.header
        sealed.reserveCapacity(key.header.count + combined.count)
        sealed.append(contentsOf: combined)
        return sealed
    }

    /// The plaintext of a stored value: a value written in clear as it is, a sealed one opened
    /// with the key its header names. Throws `SealedRecordError` when that key is not held or
    /// the value does not authenticate as `record`'s.
    func open(_ stored: [UInt8], _ record: SealedRecord) throws -> [UInt8] {
        switch SealedValue.state(of: stored) {
        case .clear:
            return stored.starts(with: SealedValue.magic) ? Array(stored.dropFirst(SealedValue.magic.count + 1)) : stored
        case .unreadable(let why):
            throw SealedRecordError(record: record.description, problem: .unreadable(why))
        case .sealed(let keyID):
            guard let key = byID[keyID] else {
                throw SealedRecordError(record: record.description, problem: .keyNotConfigured(keyID: keyID))
            }
            do {
                let box = try AES.GCM.SealedBox(combined: stored[key.header.count...])
                let plaintext = try AES.GCM.open(box, using: key.symmetricKey,
                                                 authenticating: SealedValue.authenticatedData(header: key.header, record))
                return Array(plaintext)
            } catch {
                throw SealedRecordError(record: record.description, problem: .failedAuthentication(keyID: keyID))
            }
        }
    }

    /// Text columns: sealed as bytes, or bound as text when written in clear.
    func seal(text: String?, _ record: SealedRecord) throws -> (any SQLiteBindable)? {
        guard let text else { return nil }
        // In clear, text stays text, unless it begins with a NUL and so might begin like a
        // sealed value: `seal` then marks it as clear.
        guard current != nil || text.utf8.first == 0 else { return text }
        return try seal(Array(text.utf8), record)
    }

    func open(text stored: [UInt8]?, _ record: SealedRecord) throws -> String? {
        try stored.map { String(decoding: try open($0, record), as: UTF8.self) }
    }
}
