import ArgumentParser
import Foundation
import TongbanContracts

/// `tongban contracts test`: run the contract folders and print a pass/fail table.
struct ContractsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contracts",
        abstract: "Work with the partner contracts.",
        subcommands: [Test.self]
    )

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every example of the contract folders; exit 1 if any fails."
        )

        @Option(help: "Only this partner's contract.")
        var partner: String?

        @Option(help: "The contracts folder.")
        var contracts: String = "contracts"

        @OptionGroup var folders: FolderOptions

        func run() throws {
            let catalog = try folders.loadCatalog()
            var all = try Contract.discoverAll(in: URL(fileURLWithPath: contracts).standardizedFileURL)
            if let partner {
                all = all.filter { $0.name == partner || $0.partner == partner }
                guard !all.isEmpty else { throw ConfigurationProblem(message: "no contract for partner '\(partner)' under \(contracts)") }
            }
            guard !all.isEmpty else { throw ConfigurationProblem(message: "\(contracts): no contract folders (each needs a contract.yaml)") }
            let runner = ContractRunner(catalog: catalog)
            var failed = 0
            var total = 0
            let width = all.flatMap(\.examples).map { $0.kind.rawValue.count + $0.name.count + 1 }.max() ?? 20
            for contract in all {
                print("\(contract.name) (mappings/\(contract.partner))")
                for outcome in runner.run(contract) {
                    total += 1
                    let label = "\(outcome.example.kind.rawValue)/\(outcome.example.name)"
                    let padded = label + String(repeating: " ", count: max(1, width - label.count + 1))
                    print("  \(outcome.passed ? "pass" : "FAIL")  \(padded)\(outcome.example.summary ?? "")")
                    if let failure = outcome.failure {
                        failed += 1
                        for line in failure.split(separator: "\n") { print("        \(line)") }
                    }
                }
            }
            print("\(total - failed) passed, \(failed) failed, \(total) examples in \(all.count) contracts")
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
