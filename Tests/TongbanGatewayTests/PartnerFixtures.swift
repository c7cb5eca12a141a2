import Foundation
import TongbanCore
import TongbanPartners
import TongbanTesting

/// Partner messages for endpoint tests, taken from the contracts and varied where a test needs it.
enum PartnerFixtures {
    static func contract(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Repository.contracts.appendingPathComponent(path)))
    }

    /// A KSTB status notice (UTF-8, which KSTB 2.1 accepts) for a case the gateway sent.
    static func kstbStatus(messageNumber: String, caseNumber: String = "SX2026112000001", code: String, at: String,
                           tongbaiNumber: String = "TB-2026-0087731") -> [UInt8] {
        let result = code == "07" ? "<BJJG><JGZZMC>准予迁入证明</JGZZMC><JGZZBH>HN-TB-QR-2026-1187</JGZZBH></BJJG>" : ""
        return Array("""
        <?xml version="1.0" encoding="UTF-8"?>
        <KSTB xmlns="urn:ha:zwfw:kstb:2" BBH="2.1">
          <BWT><BWBH>\(messageNumber)</BWBH><FSF>411330</FSF><JSF>421321</JSF><FSSJ>\(at)</FSSJ><YWLX>ZT</YWLX></BWT>
          <ZTXX><SBLSH>\(caseNumber)</SBLSH><YWLSH>\(tongbaiNumber)</YWLSH><ZTDM>\(code)</ZTDM><ZTSJ>\(at)</ZTSJ><CLYJ>意见</CLYJ>\(result)</ZTXX>
        </KSTB>
        """.utf8)
    }

    /// The headers of an APAS request signed by Zaoyang at `now`, optionally with a given nonce.
    static func apasHeaders(body: [UInt8], now: Int64, nonce: String = APASSignature.randomNonce(),
                            secret: [UInt8] = GatewayHarness.zaoyangSecret) -> [(String, String)] {
        let sign = APASSignature.sign(appID: GatewayHarness.zaoyangAppID, secret: secret, timestamp: now, nonce: nonce, body: body)
        return [("X-App-Id", GatewayHarness.zaoyangAppID), ("X-Timestamp", String(now)), ("X-Nonce", nonce), ("X-Sign", sign)]
    }
}
