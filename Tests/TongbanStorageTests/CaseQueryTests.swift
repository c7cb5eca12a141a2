import Testing
@testable import TongbanStorage

@Suite struct CaseQueryTests {
    /// Ten cases, created at 1,000 … 10,000: partner `tax` for even ones, `land` for odd ones;
    /// status `done` every third.
    private func insertTen(_ store: SQLiteStore) async throws -> [CaseRecord] {
        try await store.write { writer in
            try (1...10).map { index in
                let record = Sample.caseRecord("c\(index)", number: "N-\(index)", partner: index % 2 == 0 ? "tax" : "land",
                                               status: index % 3 == 0 ? "done" : "open", createdAt: Int64(index) * 1_000)
                return try writer.insertCase(record, firstVersion: Sample.version(of: record.id))
            }
        }
    }

    /// Status and partner case number are indexed only where present (migration 0010): lookups
    /// by a value must still use those indexes.
    @Test func statusAndPartnerCaseNumberLookupsUseTheirPartialIndexes() async throws {
        try await withStore { store in
            let (byStatus, _) = ReaderSQL.cases(matching: CaseFilter(status: "approved"), after: nil, limit: 10)
            let plans = try await store.onReader { reader in
                (try reader.db.queryPlan(byStatus, ["approved", 10]),
                 try reader.db.queryPlan(ReaderSQL.caseByPartnerNumber, ["tax", "TB-1", "outbound"]))
            }
            let status = plans.0.joined(separator: "\n"), partnerNumber = plans.1.joined(separator: "\n")
            #expect(status.contains("USING INDEX cases_status"), "\(status)")
            #expect(partnerNumber.contains("USING INDEX cases_partner_case_number"), "\(partnerNumber)")
        }
    }

    @Test func pagesAreNewestFirstAndContinueAfterTheLastSeq() async throws {
        try await withStore { store in
            let all = try await insertTen(store)
            var pages: [[String]] = []
            var after: Int64?
            while true {
                let cursor = after
                let page = try await store.read { try $0.cases(matching: CaseFilter(), after: cursor, limit: 4) }
                if page.isEmpty { break }
                pages.append(page.map(\.id))
                after = page.last?.seq
            }
            #expect(pages == [["c10", "c9", "c8", "c7"], ["c6", "c5", "c4", "c3"], ["c2", "c1"]])
            #expect(Set(all.map(\.seq)).count == 10)
        }
    }

    @Test func filtersCombineWithAnd() async throws {
        try await withStore { store in
            _ = try await insertTen(store)
            func ids(_ filter: CaseFilter, after: Int64? = nil, limit: Int = 50) async throws -> [String] {
                try await store.read { try $0.cases(matching: filter, after: after, limit: limit) }.map(\.id)
            }
            #expect(try await ids(CaseFilter(partner: "tax")) == ["c10", "c8", "c6", "c4", "c2"])
            #expect(try await ids(CaseFilter(partner: "tax", status: "done")) == ["c6"])
            #expect(try await ids(CaseFilter(status: "done")) == ["c9", "c6", "c3"])
            #expect(try await ids(CaseFilter(caseNumber: "N-7")) == ["c7"])
            #expect(try await ids(CaseFilter(caseNumber: "N-7", partner: "tax")) == [])
            #expect(try await ids(CaseFilter(direction: .outbound)).count == 10)
            #expect(try await ids(CaseFilter(direction: .inbound)) == [])
            #expect(try await ids(CaseFilter(createdFrom: 3_000, createdTo: 6_000)) == ["c5", "c4", "c3"])
            #expect(try await ids(CaseFilter(partner: "land", createdFrom: 3_000)) == ["c9", "c7", "c5", "c3"])
            let c6 = try #require(try await store.read { try $0.caseRecord(id: "c6") })
            #expect(try await ids(CaseFilter(partner: "tax"), after: c6.seq, limit: 2) == ["c4", "c2"])
        }
    }

    @Test func sqlInFilterValuesIsJustText() async throws {
        try await withStore { store in
            _ = try await insertTen(store)
            let hostile = ["x' OR 1=1 --", "x\" OR \"1\"=\"1", "'; DROP TABLE cases; --", "%", "*"]
            for value in hostile {
                let found = try await store.read { reader in
                    (try reader.cases(matching: CaseFilter(caseNumber: value), after: nil, limit: 50),
                     try reader.cases(matching: CaseFilter(partner: value), after: nil, limit: 50),
                     try reader.cases(matching: CaseFilter(status: value), after: nil, limit: 50))
                }
                #expect(found.0.isEmpty && found.1.isEmpty && found.2.isEmpty, "\(value)")
            }
            // A case whose number is such a string is found by exactly that string.
            let odd = Sample.caseRecord("odd", number: "x' OR 1=1 --")
            try await store.insertSampleCase(odd)
            let matches = try await store.read { try $0.cases(matching: CaseFilter(caseNumber: "x' OR 1=1 --"), after: nil, limit: 50) }
            #expect(matches.map(\.id) == ["odd"])
            #expect(try await store.read { try $0.cases(matching: CaseFilter(), after: nil, limit: 50) }.count == 11)
        }
    }

    @Test func partnerCaseNumberFindsTheOutboundCase() async throws {
        try await withStore { store in
            var outbound = Sample.caseRecord("out", number: "L-1", partner: "tax")
            outbound.partnerCaseNumber = "T-1"
            var inbound = Sample.caseRecord("in", number: "T-9", origin: "tax", partner: "tax", direction: .inbound)
            inbound.partnerCaseNumber = "T-1"
            let (stored, _) = try await store.write { [outbound, inbound] writer in
                (try writer.insertCase(outbound, firstVersion: Sample.version(of: "out")),
                 try writer.insertCase(inbound, firstVersion: Sample.version(of: "in")))
            }
            let found = try await store.read { reader in
                (try reader.caseRecord(partner: "tax", partnerCaseNumber: "T-1", direction: .outbound),
                 try reader.caseRecord(partner: "land", partnerCaseNumber: "T-1", direction: .outbound))
            }
            #expect(found.0 == stored)
            #expect(found.1 == nil)
        }
    }

    @Test func pollingFollowsNextPollAt() async throws {
        try await withStore { store in
            var polled: [CaseRecord] = []
            for (index, next) in [Int64(5_000), 2_000, 9_000].enumerated() {
                var record = Sample.caseRecord("p\(index)")
                record.nextPollAt = next
                polled.append(record)
            }
            let records = polled + [Sample.caseRecord("unpolled"), {
                var other = Sample.caseRecord("elsewhere", partner: "land")
                other.nextPollAt = 1_000
                return other
            }()]
            try await store.write { writer in
                for record in records { _ = try writer.insertCase(record, firstVersion: Sample.version(of: record.id)) }
            }
            let result = try await store.read { reader in
                (try reader.casesDueForPoll(partner: "tax", now: 5_000, limit: 10).map(\.id),
                 try reader.casesDueForPoll(partner: "tax", now: 5_000, limit: 1).map(\.id),
                 try reader.nextPollTime(partner: "tax"), try reader.nextPollTime(partner: "land"),
                 try reader.nextPollTime(partner: "none"))
            }
            #expect(result.0 == ["p1", "p0"])
            #expect(result.1 == ["p1"])
            #expect(result.2 == 2_000)
            #expect(result.3 == 1_000)
            #expect(result.4 == nil)
        }
    }
}
