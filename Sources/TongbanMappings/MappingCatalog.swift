import Foundation
import TongbanCore

/// Every partner under a `mappings/` folder, loaded and compiled.
///
/// Loading never stops at the first mistake: `tongban mappings check` lists them all, each
/// with file and line. A folder is a partner when it holds an `agreement.yaml`; adding one
/// whose format and transport style already exist needs no Swift code.
public struct MappingCatalog: Sendable {
    public let root: URL
    public let local: LocalIdentity
    public let partners: [PartnerMapping]

    public func partner(named name: String) -> PartnerMapping? {
        partners.first { $0.name == name }
    }

    /// The partner whose agreement covers a handling region.
    public func partner(forRegion division: String) -> PartnerMapping? {
        partners.first { $0.agreement.divisions.contains(division) }
    }

    public static func load(from root: URL) throws(MappingErrors) -> MappingCatalog {
        var errors: [MappingError] = []
        let localFile = root.appendingPathComponent("local.yaml")
        var local: LocalIdentity?
        do { local = try LocalIdentity.load(try readYAML(localFile, root: root)) } catch { errors.append(error) }

        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        if names.isEmpty { errors.append(MappingError(file: root.path, message: "no mappings folder here (or it is empty)")) }
        var partners: [PartnerMapping] = []
        for name in names.sorted() {
            let folder = root.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("agreement.yaml").path) else { continue }
            guard let local else { continue }
            do {
                partners.append(try loadPartner(name: name, folder: folder, root: root, local: local))
            } catch {
                errors.append(contentsOf: error.errors)
            }
        }
        var seenDivisions: [String: String] = [:]
        for partner in partners {
            for division in partner.agreement.divisions {
                if let other = seenDivisions[division] {
                    errors.append(MappingError(file: displayPath(folderFile(partner.name, "agreement.yaml", root: root), root: root),
                                               message: "division \(division) is also claimed by \(other): a handling region must select one agreement"))
                }
                seenDivisions[division] = partner.name
            }
        }
        guard errors.isEmpty, let local else { throw MappingErrors(errors) }
        return MappingCatalog(root: root, local: local, partners: partners)
    }

    static func loadPartner(name: String, folder: URL, root: URL, local: LocalIdentity) throws(MappingErrors) -> PartnerMapping {
        var errors: [MappingError] = []
        let agreement: Agreement
        do { agreement = try Agreement.load(try readYAML(folder.appendingPathComponent("agreement.yaml"), root: root), partner: name) } catch { throw MappingErrors([error]) }

        var codeLists: [String: CodeList] = [:]
        let codesFolder = folder.appendingPathComponent("codes")
        for file in ((try? FileManager.default.contentsOfDirectory(atPath: codesFolder.path)) ?? []).sorted() where file.hasSuffix(".yaml") {
            let listName = String(file.dropLast(".yaml".count))
            do { codeLists[listName] = try CodeList.load(try readYAML(codesFolder.appendingPathComponent(file), root: root), name: listName) } catch { errors.append(error) }
        }
        if codeLists[agreement.mattersList] == nil {
            errors.append(MappingError(file: displayPath(folder.appendingPathComponent("agreement.yaml"), root: root),
                                       message: "matters list '\(agreement.mattersList)' not found: expected codes/\(agreement.mattersList).yaml"))
        }

        var plans: [PartnerMapping.Route: MappingPlan] = [:]
        for route in PartnerMapping.Route.all {
            let outbound = route.direction == .outbound
            let yaml: YAMLNode
            do { yaml = try readYAML(folder.appendingPathComponent(route.fileName), root: root) } catch {
                errors.append(error)
                continue
            }
            do {
                plans[route] = try MappingPlan.compile(yaml, sourceFormat: outbound ? .json : agreement.format,
                                                       outputFormat: outbound ? agreement.format : .json,
                                                       codeLists: codeLists, towardPartner: outbound, zoneOffset: agreement.zoneOffset)
            } catch {
                errors.append(contentsOf: error.errors)
            }
        }

        var schemas: [MessageKind: PayloadSchema] = [:]
        for (kind, relative) in agreement.schemas {
            let file = (relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : folder.appendingPathComponent(relative)).standardizedFileURL
            guard let data = FileManager.default.contents(atPath: file.path) else {
                errors.append(MappingError(file: displayPath(folder.appendingPathComponent("agreement.yaml"), root: root),
                                           message: "\(kind.rawValue) schema '\(relative)' not found (looked at \(file.path))"))
                continue
            }
            do {
                let schema = try PayloadSchema.load(bytes: Array(data), file: displayPath(file, root: root))
                guard schema.checks(agreement.format) else {
                    errors.append(MappingError(file: displayPath(folder.appendingPathComponent("agreement.yaml"), root: root),
                                               message: "\(kind.rawValue) schema '\(relative)' cannot check \(agreement.format.rawValue) payloads (XML takes an .xsd, JSON a JSON Schema)"))
                    continue
                }
                schemas[kind] = schema
            } catch {
                errors.append(error)
            }
        }
        guard errors.isEmpty else { throw MappingErrors(errors) }
        return PartnerMapping(agreement: agreement, codeLists: codeLists, plans: plans, schemas: schemas, local: local)
    }

    static func readYAML(_ file: URL, root: URL) throws(MappingError) -> YAMLNode {
        let shown = displayPath(file, root: root)
        guard let data = FileManager.default.contents(atPath: file.path) else { throw MappingError(file: shown, message: "file not found") }
        guard let text = String(data: data, encoding: .utf8) else { throw MappingError(file: shown, message: "not UTF-8 text") }
        return try YAMLNode.parse(text, file: shown)
    }

    static func folderFile(_ partner: String, _ file: String, root: URL) -> URL {
        root.appendingPathComponent(partner).appendingPathComponent(file)
    }

    /// Paths in messages are shown relative to the folder above `mappings/`, e.g.
    /// `mappings/henan-tongbai/outbound-case.yaml`, so they can be pasted into an editor.
    static func displayPath(_ file: URL, root: URL) -> String {
        let base = root.standardizedFileURL.deletingLastPathComponent().path
        let path = file.standardizedFileURL.path
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
    }
}
