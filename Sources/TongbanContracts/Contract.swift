import Foundation
import TongbanCore
import TongbanMappings

/// One partner's contract folder: `contracts/<partner>/contract.yaml` plus `examples/`.
///
/// Folders are discovered, not registered: a new partner's contract is tested by adding the
/// folder, with no test code.
public struct Contract: Sendable {
    public let folder: URL
    /// The mapping folder under `mappings/` the contract exercises.
    public let partner: String
    public let context: TranslationContext
    public let examples: [ContractExample]

    public var name: String { folder.lastPathComponent }

    /// Every contract under a `contracts/` folder, sorted by name.
    public static func discoverAll(in root: URL) throws(MappingErrors) -> [Contract] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
        var contracts: [Contract] = []
        var errors: [MappingError] = []
        for name in names {
            let folder = root.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("contract.yaml").path) else { continue }
            do { contracts.append(try load(folder)) } catch { errors.append(error) }
        }
        guard errors.isEmpty else { throw MappingErrors(errors) }
        return contracts
    }

    public static func load(_ folder: URL) throws(MappingError) -> Contract {
        let file = folder.appendingPathComponent("contract.yaml")
        let shown = "contracts/\(folder.lastPathComponent)/contract.yaml"
        guard let data = FileManager.default.contents(atPath: file.path), let text = String(data: data, encoding: .utf8) else {
            throw MappingError(file: shown, message: "cannot read the file")
        }
        let fields = try YAMLNode.parse(text, file: shown).fields(allowed: ["partner", "context"], required: ["partner", "context"])
        let context = try ContractExample.context(from: try fields.required("context"), base: nil)
        var examples: [ContractExample] = []
        for kind in ContractExample.Kind.allCases {
            let kindFolder = folder.appendingPathComponent("examples").appendingPathComponent(kind.rawValue)
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: kindFolder.path)) ?? []).sorted() {
                examples.append(try ContractExample.load(kindFolder.appendingPathComponent(name), kind: kind, contract: folder.lastPathComponent, defaultContext: context))
            }
        }
        return Contract(folder: folder, partner: try fields.required("partner").string(), context: context, examples: examples)
    }
}
