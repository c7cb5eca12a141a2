/// A case as the gateway tracks it, in either direction. `seq` orders cases for pagination.
public struct CaseRecord: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        /// Submitted by a local window, handled by a partner.
        case outbound
        /// Sent by a partner, handled locally.
        case inbound
    }

    public var id: String
    public var seq: Int64
    public var direction: Direction
    /// The local system (outbound) or partner (inbound) that sent the case.
    public var origin: String
    /// The partner on the other side, in both directions.
    public var partner: String
    /// The sender's own case number.
    public var caseNumber: String
    /// The current version.
    public var version: Int
    public var matterCode: String
    /// Canonical status, nil until the first status arrives.
    public var status: String?
    public var statusAt: Int64?
    /// The handling side's case number (the partner's for outbound cases, assigned by the
    /// gateway for inbound ones).
    public var partnerCaseNumber: String?
    /// When the partner's status is next polled; nil when not polled.
    public var nextPollAt: Int64?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: String, seq: Int64 = 0, direction: Direction, origin: String, partner: String, caseNumber: String,
                version: Int, matterCode: String, status: String? = nil, statusAt: Int64? = nil,
                partnerCaseNumber: String? = nil, nextPollAt: Int64? = nil, createdAt: Int64, updatedAt: Int64) {
        self.id = id; self.seq = seq; self.direction = direction; self.origin = origin; self.partner = partner
        self.caseNumber = caseNumber; self.version = version; self.matterCode = matterCode; self.status = status
        self.statusAt = statusAt; self.partnerCaseNumber = partnerCaseNumber; self.nextPollAt = nextPollAt
        self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// One version of a case: the canonical JSON exactly as accepted, and its digest, which decides
/// whether a resubmission is the same request.
public struct CaseVersionRecord: Sendable, Hashable {
    public var caseID: String
    public var version: Int
    /// Lower-case hex SHA-256 of `canonical`.
    public var digest: String
    public var canonical: [UInt8]
    public var createdAt: Int64

    public init(caseID: String, version: Int, digest: String, canonical: [UInt8], createdAt: Int64) {
        self.caseID = caseID; self.version = version; self.digest = digest; self.canonical = canonical; self.createdAt = createdAt
    }
}

/// One status report in a case's history, whether or not it changed the current status.
public struct StatusRecord: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable { case partner, local }
    /// `StatusChange`'s verdict, as stored.
    public enum Outcome: String, Sendable, Hashable { case applied, stale, duplicate, impossible }

    public var caseID: String
    public var seq: Int64
    public var status: String
    /// The partner's own code for the status (ZTDM, handlestate, state), nil for local reports.
    public var partnerCode: String?
    /// When the status was reached, as its reporter says.
    public var at: Int64
    public var receivedAt: Int64
    public var source: Source
    public var outcome: Outcome
    /// Why the update was `impossible`.
    public var note: String?
    /// The canonical status JSON.
    public var canonical: [UInt8]

    public init(caseID: String, seq: Int64 = 0, status: String, partnerCode: String?, at: Int64, receivedAt: Int64,
                source: Source, outcome: Outcome, note: String? = nil, canonical: [UInt8]) {
        self.caseID = caseID; self.seq = seq; self.status = status; self.partnerCode = partnerCode; self.at = at
        self.receivedAt = receivedAt; self.source = source; self.outcome = outcome; self.note = note; self.canonical = canonical
    }
}

public enum TransferState: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its `nextAttemptAt` (or, on a feed, to be fetched).
    case pending
    /// Taken by a worker.
    case inFlight
    /// Handed out on a feed, waiting for the acknowledgement.
    case offered
    /// Queued by a replay an operator paused: no worker takes it (nor any later transfer of its
    /// case to the same destination) until the replay resumes, when it is `pending` again.
    case held
    /// The destination took it.
    case delivered
    /// Failed permanently or ran out of attempts; kept for an operator.
    case dead
    /// A dead letter an operator closed without resending; `lastError` says who and why.
    case closed
}

/// One message to one destination (a partner, or `local` for the local system), with its exact
/// payload: the outbox row committed with the change that caused it.
public struct TransferRecord: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable { case `case`, supplement, withdrawal, status }

    public var id: Int64
    public var caseID: String
    public var destination: String
    public var kind: Kind
    /// The message identity the destination deduplicates on (BWBH, msg_id, projid…), kept across
    /// every resend.
    public var messageID: String
    public var payload: [UInt8]
    public var contentType: String
    public var state: TransferState
    public var attempts: Int
    public var nextAttemptAt: Int64
    public var createdAt: Int64
    public var finishedAt: Int64?
    /// The reason of the last failure (the dead letter's reason).
    public var lastError: String?
    /// The position in the destination's pull feed; nil for pushed transfers.
    public var feedSeq: Int64?
    public var handedOutAt: Int64?
    /// The retry budget runs from here: attempts made before the last replay do not count
    /// against `maxAttempts`, and `maxAge` runs from the replay (`nil`: from `createdAt`).
    public var budgetAttempts: Int
    public var budgetSince: Int64?

    public init(id: Int64 = 0, caseID: String, destination: String, kind: Kind, messageID: String, payload: [UInt8],
                contentType: String, state: TransferState = .pending, attempts: Int = 0, nextAttemptAt: Int64,
                createdAt: Int64, finishedAt: Int64? = nil, lastError: String? = nil, feedSeq: Int64? = nil, handedOutAt: Int64? = nil,
                budgetAttempts: Int = 0, budgetSince: Int64? = nil) {
        self.id = id; self.caseID = caseID; self.destination = destination; self.kind = kind; self.messageID = messageID
        self.payload = payload; self.contentType = contentType; self.state = state; self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt; self.createdAt = createdAt; self.finishedAt = finishedAt
        self.lastError = lastError; self.feedSeq = feedSeq; self.handedOutAt = handedOutAt
        self.budgetAttempts = budgetAttempts; self.budgetSince = budgetSince
    }
}

/// One try at delivering a transfer and what came back.
public struct AttemptRecord: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        case delivered
        /// Failed, will be tried again.
        case retry
        /// Failed for good.
        case permanent
    }

    public var transferID: Int64
    public var number: Int
    public var startedAt: Int64
    public var durationMillis: Int64
    public var outcome: Outcome
    public var httpStatus: Int?
    /// The partner's result code (JG, code, ok/retry), when it answered one.
    public var partnerCode: String?
    /// The partner's answer or the transport error, shortened for storage.
    public var detail: String?

    public init(transferID: Int64, number: Int, startedAt: Int64, durationMillis: Int64, outcome: Outcome,
                httpStatus: Int?, partnerCode: String?, detail: String?) {
        self.transferID = transferID; self.number = number; self.startedAt = startedAt; self.durationMillis = durationMillis
        self.outcome = outcome; self.httpStatus = httpStatus; self.partnerCode = partnerCode; self.detail = detail
    }
}

/// A message a partner sent, remembered with the answer it got, so a resend is recognised and
/// answered the same way without being processed twice.
public struct InboundMessageRecord: Sendable, Hashable {
    public var partner: String
    public var messageID: String
    public var caseID: String?
    public var answer: [UInt8]
    public var receivedAt: Int64

    public init(partner: String, messageID: String, caseID: String?, answer: [UInt8], receivedAt: Int64) {
        self.partner = partner; self.messageID = messageID; self.caseID = caseID; self.answer = answer; self.receivedAt = receivedAt
    }
}

/// What `GET /v1/cases` can filter on; nil members do not filter.
/// Which dead letters an operator looks at; every field narrows the list.
public struct DeadLetterFilter: Sendable, Hashable {
    /// Failed permanently (the destination refused it) or ran out of attempts or age.
    public enum ErrorClass: String, Sendable, Hashable, CaseIterable { case permanent, exhausted }

    public var destination: String?
    public var matterCode: String?
    public var errorClass: ErrorClass?
    /// The destination's result code in the last attempt (`JG`, APAS `code`).
    public var partnerCode: String?
    /// When the transfer died (`finishedAt`): inclusive from, exclusive to.
    public var diedFrom: Int64?
    public var diedTo: Int64?
    public var caseNumber: String?

    public init(destination: String? = nil, matterCode: String? = nil, errorClass: ErrorClass? = nil, partnerCode: String? = nil,
                diedFrom: Int64? = nil, diedTo: Int64? = nil, caseNumber: String? = nil) {
        self.destination = destination; self.matterCode = matterCode; self.errorClass = errorClass; self.partnerCode = partnerCode
        self.diedFrom = diedFrom; self.diedTo = diedTo; self.caseNumber = caseNumber
    }
}

public struct CaseFilter: Sendable, Hashable {
    public var caseNumber: String?
    public var partner: String?
    public var status: String?
    public var direction: CaseRecord.Direction?
    /// `createdAt` bounds, inclusive from, exclusive to.
    public var createdFrom: Int64?
    public var createdTo: Int64?

    public init(caseNumber: String? = nil, partner: String? = nil, status: String? = nil, direction: CaseRecord.Direction? = nil,
                createdFrom: Int64? = nil, createdTo: Int64? = nil) {
        self.caseNumber = caseNumber; self.partner = partner; self.status = status; self.direction = direction
        self.createdFrom = createdFrom; self.createdTo = createdTo
    }
}
