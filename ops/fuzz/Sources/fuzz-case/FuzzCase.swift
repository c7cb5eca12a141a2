import FuzzSupport
import TongbanCore

/// One input: any bytes, read as the JSON of a canonical case and of a status update.
///
/// Beyond "no crash, no hang", it checks what the gateway relies on: JSON that parses is written
/// back to the same value; a valid case or status written as canonical JSON validates to the
/// same value; an invalid one is refused with at least one issue.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCase(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let json: JSONValue
    do { json = try JSONParser.parse(UnsafeBufferPointer(start: data, count: size)) } catch { return 0 }
    let written = json.serialized()
    invariant((try? JSONParser.parse(written)) == json, "JSON written back does not parse to the same value: \(String(decoding: written, as: UTF8.self))")

    switch LocalCase.validate(json) {
    case .success(let local):
        let canonical = local.json
        invariant((try? LocalCase.validate(canonical).get()) == local, "the canonical JSON of a valid case does not validate to it: \(canonical)")
    case .failure(let failure):
        invariant(!failure.issues.isEmpty, "a case was refused without an issue")
    }
    switch StatusUpdate.validate(json) {
    case .success(let status):
        invariant((try? StatusUpdate.validate(status.json).get()) == status, "the JSON of a valid status does not validate to it: \(status.json)")
    case .failure(let failure):
        invariant(!failure.issues.isEmpty, "a status was refused without an issue")
    }
    return 0
}
