import FuzzSupport
import TongbanCore
import TongbanMappings

/// One input: any bytes, translated by every partner's mappings in both directions, as a case
/// and as a status.
///
/// Outbound the bytes are a local message; what a partner's mapping makes of them must come back
/// in through the same partner's inbound mapping without a crash (the partner echoes our fields
/// back, and a refusal there is a finding only if it crashes). Inbound the bytes are the
/// partner's own payload, XML or JSON as its agreement says. Every refusal must list issues.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapping(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for partner in Repository.catalog.partners {
        for kind in MessageKind.allCases {
            if case .success(let message) = translate(bytes, partner: partner, direction: .outbound, kind: kind) {
                _ = translate(message, partner: partner, direction: .inbound, kind: kind)
            }
            _ = translate(bytes, partner: partner, direction: .inbound, kind: kind)
        }
    }
    return 0
}

func translate(_ bytes: [UInt8], partner: PartnerMapping, direction: Direction, kind: MessageKind) -> Result<[UInt8], ValidationFailure> {
    let result = partner.translate(bytes, direction: direction, kind: kind, context: Repository.context)
    if case .failure(let failure) = result {
        invariant(!failure.issues.isEmpty, "\(partner.name) refused a \(direction.rawValue) \(kind.rawValue) without an issue")
    }
    return result
}
