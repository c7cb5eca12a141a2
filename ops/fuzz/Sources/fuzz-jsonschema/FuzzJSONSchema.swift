import FuzzSupport
import TongbanCore
import TongbanMappings

/// The partners whose payloads are JSON, each checked against its JSON Schemas.
let jsonPartners = Repository.catalog.partners.filter { $0.agreement.format == .json }

/// One input: any bytes, read as a partner's JSON payload and validated against every JSON
/// partner's schema for cases and for statuses. Refusals must come as issues with a path and a
/// reason, never a crash or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONSchema(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for partner in jsonPartners {
        for kind in MessageKind.allCases {
            for issue in partner.partnerSchemaIssues(bytes, kind: kind) {
                invariant(!issue.path.isEmpty && !issue.reason.isEmpty, "an issue without a path or a reason: \(issue)")
            }
        }
    }
    return 0
}
