import Foundation
import Testing
import TongbanContracts
import TongbanCore
import TongbanMappings
import TongbanTesting

/// Every example of every folder under `contracts/`, discovered at run time: a new partner's
/// contract is tested by adding its folder, with no test code.
struct ContractSuiteTests {
    static let contracts: [Contract] = (try? Contract.discoverAll(in: Repository.contracts)) ?? []
    static let examples: [ContractExample] = contracts.flatMap(\.examples)

    @Test func everyContractFolderLoads() throws {
        let contracts = try Contract.discoverAll(in: Repository.contracts)
        #expect(Set(contracts.map(\.partner)) == Set(try Repository.catalog().partners.map(\.name)),
                "every partner in mappings/ has a contract and every contract a partner")
    }

    @Test(arguments: examples)
    func example(_ example: ContractExample) throws {
        let contract = try #require(Self.contracts.first { $0.name == example.contract })
        let outcome = ContractRunner(catalog: try Repository.catalog()).outcome(of: example, in: contract)
        #expect(outcome.failure == nil, "\(example): \(outcome.failure ?? "")")
    }

    /// The coverage each agreement's contract promises (see docs/contracts.md).
    @Test(arguments: contracts.map(\.name))
    func coverage(_ name: String) throws {
        let contract = try #require(Self.contracts.first { $0.name == name })
        func documents(_ kind: ContractExample.Kind) -> [ContractExample] {
            contract.examples.filter { example in
                guard example.kind == kind, case .document = example.expectation else { return false }
                return true
            }
        }
        #expect(documents(.outboundCase).count >= 10)
        #expect(documents(.inboundCase).count >= 5)
        #expect(contract.examples.contains { if case .errors = $0.expectation { return true } else { return false } })

        // Every status code of the partner is read by some inbound-status example.
        let partner = try #require(try Repository.catalog().partner(named: contract.partner))
        let statuses = try #require(partner.codeLists["statuses"])
        var seen: Set<String> = []
        for example in documents(.inboundStatus) {
            guard case .document(let file) = example.expectation else { continue }
            let expected = try JSONParser.parse(Array(try Data(contentsOf: file)))
            if let status = expected["status"]?.stringValue { seen.insert(status) }
        }
        let readable = Set(statuses.toLocal.values.compactMap { value -> String? in
            if case .string(let s) = value { return s }
            return nil
        })
        #expect(readable.isSubset(of: seen), "status codes never read by an example: \(readable.subtracting(seen).sorted())")
    }
}
