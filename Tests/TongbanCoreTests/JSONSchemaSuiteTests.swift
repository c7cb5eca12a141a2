import Foundation
import Testing
import TongbanCore

/// Every case of the official JSON Schema Test Suite files (draft 2020-12) for the keywords
/// `JSONSchema` claims, run through both `isValid` and `validate`.
@Suite("JSON Schema Test Suite")
struct JSONSchemaSuiteTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Each file with its number of cases, so that a file cannot quietly lose cases.
    static let files: [String: Int] = [
        "additionalProperties": 21, "allOf": 30, "anchor": 8, "anyOf": 18, "boolean_schema": 18, "const": 50,
        "contains": 21, "content": 18, "default": 7, "defs": 2, "dependentRequired": 20, "dependentSchemas": 20,
        "dynamicRef": 42, "enum": 45, "exclusiveMaximum": 4, "exclusiveMinimum": 4, "format": 133,
        "if-then-else": 26, "infinite-loop-detection": 2, "items": 29, "maxContains": 12, "maxItems": 6,
        "maxLength": 7, "maxProperties": 10, "maximum": 8, "minContains": 28, "minItems": 6, "minLength": 7,
        "minProperties": 8, "minimum": 11, "multipleOf": 10, "not": 40, "oneOf": 27, "pattern": 9,
        "patternProperties": 23, "prefixItems": 11, "properties": 28, "propertyNames": 20, "ref": 77,
        "required": 16, "type": 80, "unevaluatedItems": 66, "unevaluatedProperties": 124, "uniqueItems": 69,
    ]

    /// Cases left out, by file and group description, with the reason. Nothing else is skipped.
    static let skipped: [String: [String: String]] = [
        "dynamicRef": [
            "strict-tree schema, guards against misspelled properties": remote,
            "tests for implementation dynamic anchor and reference link": remote,
            "$ref and $dynamicAnchor are independent of order - $defs first": remote,
            "$ref and $dynamicAnchor are independent of order - $ref first": remote,
            "$ref to $dynamicRef finds detached $dynamicAnchor": remote,
        ],
    ]
    static let remote = "needs a document from the suite's remotes/ folder (http://localhost:1234/…), which is not vendored"

    /// The draft 2020-12 meta-schema and its vocabularies: the suite `$ref`s them by URI.
    static let metaSchemas: [JSONValue] = {
        let folder = fixtures.appendingPathComponent("json-schema-metaschema")
        let names = ["schema", "meta/core", "meta/applicator", "meta/unevaluated", "meta/validation",
                     "meta/meta-data", "meta/format-annotation", "meta/content"]
        return names.compactMap { name in
            (try? Data(contentsOf: folder.appendingPathComponent(name + ".json"))).flatMap { try? JSONParser.parse($0) }
        }
    }()

    @Test func metaSchemasLoad() {
        #expect(JSONSchemaSuiteTests.metaSchemas.count == 8)
    }

    @Test(arguments: files.keys.sorted())
    func suiteFile(_ name: String) throws {
        let url = JSONSchemaSuiteTests.fixtures.appendingPathComponent("json-schema-test-suite/\(name).json")
        let groups = try #require(try JSONParser.parse(Data(contentsOf: url)).arrayValue)
        let skipped = JSONSchemaSuiteTests.skipped[name] ?? [:]
        var cases = 0
        var skippedGroups: Set<String> = []
        for group in groups {
            let description = try #require(group["description"]?.stringValue)
            let tests = try #require(group["tests"]?.arrayValue)
            cases += tests.count
            if skipped[description] != nil {
                skippedGroups.insert(description)
                continue
            }
            let schema = try JSONSchema(try #require(group["schema"]), resources: JSONSchemaSuiteTests.metaSchemas)
            for test in tests {
                let data = try #require(test["data"])
                let valid = try #require(test["valid"]) == .bool(true)
                let label = "\(name): \(description): \(test["description"]?.stringValue ?? "")"
                #expect(schema.isValid(data) == valid, "isValid, \(label)")
                let issues = schema.validate(data)
                #expect(issues.isEmpty == valid, "validate, \(label): \(issues)")
            }
        }
        #expect(cases == JSONSchemaSuiteTests.files[name], "case count of \(name)")
        #expect(skippedGroups == Set(skipped.keys), "every listed skip names a group of \(name)")
    }
}
