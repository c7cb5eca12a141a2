import FuzzSupport
import TongbanCore
import TongbanMappings
import TongbanXML

/// The partners whose payloads are XML, each checked against its XSD.
let xmlPartners = Repository.catalog.partners.filter { $0.agreement.format == .xml }

/// One input: any bytes, read as a partner's XML payload.
///
/// Parsed into the gateway's tree and, when it parses, written back in canonical form, which
/// must parse to the same canonical form; then validated against every XML partner's schema for
/// cases and for statuses. Refusals must come as errors and issues, never a crash or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    if (try? XMLCodec.parse(bytes)) != nil {
        let canonical: String
        do { canonical = try XMLCodec.canonicalForm(bytes) } catch {
            fatalError("a document that parses has no canonical form: \(error)")
        }
        let again = try? XMLCodec.canonicalForm(Array(canonical.utf8))
        invariant(again == canonical, "the canonical form does not read back as itself:\n\(canonical)\n---\n\(again ?? "(does not parse)")")
    }
    for partner in xmlPartners {
        for kind in MessageKind.allCases {
            _ = partner.partnerSchemaIssues(Array(bytes), kind: kind)
        }
    }
    return 0
}
