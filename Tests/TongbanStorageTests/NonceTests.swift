import Testing
@testable import TongbanStorage

@Suite struct NonceTests {
    @Test func aSeenNonceIsAReplayUntilForgotten() async throws {
        try await withStore { store in
            func remember(_ partner: String, _ nonce: String, at: Int64, forgetBefore: Int64) async throws -> Bool {
                try await store.write { try $0.rememberNonce(partner: partner, nonce: nonce, at: at, forgetBefore: forgetBefore) }
            }
            #expect(try await remember("tax", "n1", at: 1_000, forgetBefore: 0))
            #expect(try await remember("tax", "n1", at: 1_500, forgetBefore: 500) == false)
            // Another partner's nonce space is separate.
            #expect(try await remember("land", "n1", at: 1_600, forgetBefore: 500))
            #expect(try await remember("tax", "n2", at: 1_700, forgetBefore: 500))
            // Forgetting what was seen before 1,650 drops tax/n1 and land/n1, keeps tax/n2.
            #expect(try await remember("tax", "n3", at: 3_000, forgetBefore: 1_650))
            #expect(try await remember("tax", "n1", at: 3_100, forgetBefore: 1_650))
            #expect(try await remember("tax", "n2", at: 3_200, forgetBefore: 1_650) == false)
            let remaining = try await store.onReader { reader in
                try reader.db.query("SELECT partner || '/' || nonce FROM nonces ORDER BY seen_at") { $0.text(0) }
            }
            #expect(remaining == ["tax/n2", "tax/n3", "tax/n1"])
        }
    }
}
