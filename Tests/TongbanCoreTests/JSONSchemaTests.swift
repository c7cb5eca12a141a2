import Testing
import TongbanCore

@Suite("JSONSchema")
struct JSONSchemaTests {
    private func schema(_ text: String, formatAssertion: Bool = false) throws -> JSONSchema {
        try JSONSchema(try JSONParser.parse(text), formatAssertion: formatAssertion)
    }

    private func issues(_ schemaText: String, _ instanceText: String, formatAssertion: Bool = false) throws -> [String] {
        let compiled = try schema(schemaText, formatAssertion: formatAssertion)
        let instance = try JSONParser.parse(instanceText)
        let found = compiled.validate(instance)
        #expect(compiled.isValid(instance) == found.isEmpty, "isValid agrees with validate")
        return found.map(\.description)
    }

    // MARK: Issues

    @Test func assertionsSayWhatIsWrong() throws {
        let cases: [(schema: String, instance: String, issue: String)] = [
            (#"{"type": "integer"}"#, #""15""#, "$: expected integer, found string"),
            (#"{"type": ["object", "null"]}"#, "5", "$: expected object or null, found integer"),
            (#"{"enum": ["WINDOW", "EMS", "ONLINE"]}"#, #""POST""#, #"$: is not one of "WINDOW", "EMS", "ONLINE""#),
            (#"{"const": {"a": 1}}"#, #"{"a": 2}"#, #"$: is not equal to the constant {"a":1}"#),
            (#"{"maxLength": 3}"#, #""随县政务""#, "$: longer than 3 characters"),
            (#"{"minLength": 1}"#, #""""#, "$: shorter than 1 character"),
            (#"{"pattern": "^\\d{14}$"}"#, #""2026""#, #"$: does not match pattern ^\d{14}$"#),
            (#"{"minimum": 1}"#, "0", "$: less than the minimum 1"),
            (#"{"maximum": 1.5}"#, "2", "$: greater than the maximum 1.5"),
            (#"{"exclusiveMinimum": 0}"#, "0", "$: not greater than the exclusive minimum 0"),
            (#"{"exclusiveMaximum": 10}"#, "10.0", "$: not less than the exclusive maximum 10"),
            (#"{"multipleOf": 0.01}"#, "19.995", "$: not a multiple of 0.01"),
            (#"{"minProperties": 1}"#, "{}", "$: has fewer than 1 property"),
            (#"{"maxProperties": 1}"#, #"{"a": 1, "b": 2}"#, "$: has more than 1 property"),
            (#"{"minItems": 2}"#, "[1]", "$: has fewer than 2 items"),
            (#"{"maxItems": 1}"#, "[1, 2]", "$: has more than 1 item"),
            (#"{"uniqueItems": true}"#, "[1, 2, 1.0]", "$: items [0] and [2] are equal (uniqueItems)"),
            (#"{"contains": {"type": "string"}}"#, "[1]", "$: contains no item that matches the contains schema"),
            (#"{"contains": {"type": "string"}, "maxContains": 1}"#, #"["a", "b"]"#, "$: contains 2 matching items, more than maxContains 1"),
            (#"{"not": {"type": "string"}}"#, #""x""#, "$: must not match the schema in not"),
            ("false", "1", "$: no value is allowed here (schema false)"),
        ]
        for (schemaText, instance, issue) in cases {
            #expect(try issues(schemaText, instance) == [issue], "\(schemaText)")
        }
    }

    @Test func pathsPointAtTheOffendingValue() throws {
        let schemaText = #"""
            {"type": "object", "additionalProperties": false, "required": ["applicant", "materials"],
             "properties": {
               "applicant": {"type": "object", "required": ["idNumber"],
                             "properties": {"idNumber": {"type": "string", "pattern": "^\\d{17}[0-9X]$"}}},
               "materials": {"type": "array", "items": {"type": "object", "required": ["name"]}},
               "odd key": {"type": "string"}
             },
             "dependentRequired": {"agent": ["agentPhone"]}}
            """#
        let found = try issues(schemaText, #"""
            {"applicant": {"idNumber": "12345"}, "materials": [{"name": "a"}, {}], "odd key": 1, "agent": "x"}
            """#)
        #expect(found == [
            #"$.applicant.idNumber: does not match pattern ^\d{17}[0-9X]$"#,
            #"$.materials[1]: required property "name" is missing"#,
            "$['odd key']: expected string, found integer",
            "$.agent: property is not allowed (additionalProperties false)",
            #"$: property "agentPhone" is required when "agent" is present"#,
        ])
        #expect(try issues(schemaText, #"{"applicant": {}}"#) == [
            #"$.applicant: required property "idNumber" is missing"#,
            #"$: required property "materials" is missing"#,
        ])
    }

    @Test func lengthsCountUnicodeScalars() throws {
        let compiled = try schema(#"{"minLength": 2, "maxLength": 2}"#)
        #expect(compiled.isValid("随县"))
        #expect(compiled.isValid("😀😀"))
        #expect(!compiled.isValid("随"))
        #expect(!compiled.isValid("随县县"))
    }

    @Test func integerAcceptsWholeDoubles() throws {
        let compiled = try schema(#"{"type": "integer", "minimum": 1}"#)
        #expect(compiled.isValid(.double(15.0)))
        #expect(!compiled.isValid(.double(1.5)))
        #expect(!compiled.isValid(.double(0.0)))
    }

    @Test func multipleOfIsDecimalExact() throws {
        #expect(try schema(#"{"multipleOf": 0.01}"#).isValid(.double(19.99)))
        #expect(try schema(#"{"multipleOf": 0.1}"#).isValid(.double(0.3)))
        #expect(try schema(#"{"multipleOf": 3}"#).isValid(.double(9.0)))
        #expect(!(try schema(#"{"multipleOf": 0.1}"#).isValid(.double(0.35))))
    }

    @Test func numbersCompareExactly() throws {
        let maximum = try schema(#"{"maximum": 9007199254740992.0}"#)
        #expect(maximum.isValid(.int(9_007_199_254_740_992)))
        #expect(!maximum.isValid(.int(9_007_199_254_740_993)))
        let minimum = try schema(#"{"exclusiveMinimum": 2.5}"#)
        #expect(minimum.isValid(.int(3)))
        #expect(!minimum.isValid(.int(2)))
    }

    @Test func anyOfReportsTheClosestAlternative() throws {
        let schemaText = #"""
            {"anyOf": [
              {"type": "object", "required": ["kind", "name"], "properties": {"kind": {"const": "PERSON"}}},
              {"type": "string", "minLength": 3}
            ]}
            """#
        #expect(try issues(schemaText, #"{"kind": "PERSON"}"#) == [#"$: required property "name" is missing"#])
        #expect(try issues(schemaText, #""ab""#) == ["$: shorter than 3 characters"])
        #expect(try issues(schemaText, "12") == ["$: matches none of the 2 alternatives of anyOf"])
    }

    @Test func oneOfSaysWhenSeveralMatch() throws {
        let found = try issues(#"{"oneOf": [{"type": "integer"}, {"minimum": 0}]}"#, "3")
        #expect(found == ["$: matches 2 of the alternatives of oneOf (#1, #2), exactly one is allowed"])
    }

    @Test func propertyNamesAndConditionals() throws {
        #expect(try issues(#"{"propertyNames": {"pattern": "^[a-z]+$"}}"#, #"{"ok": 1, "Bad": 2}"#)
            == [#"$.Bad: property name "Bad" does not match pattern ^[a-z]+$"#])
        let conditional = #"""
            {"if": {"properties": {"method": {"const": "MAIL"}}},
             "then": {"required": ["address"]}, "else": {"not": {"required": ["address"]}}}
            """#
        #expect(try issues(conditional, #"{"method": "MAIL"}"#) == [#"$: required property "address" is missing"#])
        #expect(try issues(conditional, #"{"method": "ONLINE", "address": "x"}"#) == ["$: must not match the schema in not"])
        #expect(try issues(conditional, #"{"method": "ONLINE"}"#).isEmpty)
    }

    @Test func unevaluatedPropertiesSeeThroughReferences() throws {
        let schemaText = ##"""
            {"$defs": {"base": {"properties": {"a": true}}}, "$ref": "#/$defs/base",
             "properties": {"b": true}, "unevaluatedProperties": false}
            """##
        #expect(try issues(schemaText, #"{"a": 1, "b": 2, "c": 3}"#) == ["$.c: property is not allowed (unevaluatedProperties false)"])
    }

    // MARK: References

    @Test func recursiveSchemasValidateToAnyDepth() throws {
        let tree = try schema(##"""
            {"$defs": {"node": {"type": "object", "required": ["value"],
                                "properties": {"value": {"type": "number"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
             "$ref": "#/$defs/node"}
            """##)
        let deep = try JSONParser.parse(#"{"value": 1, "children": [{"value": 2, "children": [{"value": 3}, {"value": "x"}]}]}"#)
        #expect(tree.validate(deep).map(\.description) == ["$.children[0].children[1].value: expected number, found string"])
    }

    @Test func referencesReachExtraResources() throws {
        let shared = try JSONParser.parse(#"{"$id": "urn:tongban:common:1", "$defs": {"region": {"type": "string", "pattern": "^\\d{6}$"}}}"#)
        let compiled = try JSONSchema(
            try JSONParser.parse(#"{"properties": {"from": {"$ref": "urn:tongban:common:1#/$defs/region"}}}"#),
            resources: [shared]
        )
        #expect(compiled.isValid(["from": "421321"]))
        #expect(compiled.validate(["from": "42"]).map(\.description) == [#"$.from: does not match pattern ^\d{6}$"#])
    }

    @Test func anchorsAndEscapedPointers() throws {
        let compiled = try schema(##"""
            {"$defs": {"a/b": {"$anchor": "code", "type": "string"}, "c%d": {"type": "integer"}},
             "properties": {"x": {"$ref": "#code"}, "y": {"$ref": "#/$defs/a~1b"}, "z": {"$ref": "#/$defs/c%25d"}}}
            """##)
        #expect(compiled.isValid(["x": "1", "y": "2", "z": 3]))
        #expect(!compiled.isValid(["z": "3"]))
    }

    // MARK: Schema errors

    @Test func badSchemasSayWhereAndWhy() throws {
        let cases: [(schema: String, location: String, reason: String)] = [
            (#"{"properties": {"id": {"pattern": "(?<=a)b"}}}"#, "#/properties/id/pattern", "lookbehind assertions are not supported (offset 0 in (?<=a)b)"),
            (##"{"$ref": "#/$defs/missing"}"##, "#/$ref", "\"#/$defs/missing\" points at nothing"),
            (#"{"$ref": "other.json"}"#, "#/$ref", "cannot resolve \"other.json\": no schema has the id urn:other.json (remote schemas are not fetched; pass them as resources)"),
            (#"{"type": "text"}"#, "#/type", "unknown type \"text\""),
            (#"{"minLength": -1}"#, "#/minLength", "must be a non-negative integer"),
            (#"{"properties": {"a": 5}}"#, "#/properties/a", "a schema must be an object or a boolean, not integer"),
            (##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}"##,
             "#/$defs/a", "references loop back here without descending into the instance"),
        ]
        for (schemaText, location, reason) in cases {
            #expect(throws: JSONSchemaError(location: location, reason: reason), "\(schemaText)") {
                try schema(schemaText)
            }
        }
    }

    // MARK: Formats

    @Test func formatIsAnAnnotationUnlessAsserted() throws {
        let annotation = try schema(#"{"format": "date-time"}"#)
        #expect(annotation.isValid("yesterday"))
        let asserted = try schema(#"{"format": "date-time"}"#, formatAssertion: true)
        #expect(asserted.validate("yesterday").map(\.description) == ["$: is not a valid date-time"])
        #expect(try schema(#"{"format": "email"}"#, formatAssertion: true).isValid("not an email"))
    }

    @Test func dateTimeFollowsRFC3339() throws {
        let dateTime = try schema(#"{"format": "date-time"}"#, formatAssertion: true)
        for valid in ["2026-11-20T11:02:13+08:00", "2026-11-20T03:02:13Z", "2026-11-20t03:02:13.250z",
                      "1998-12-31T23:59:60Z", "1998-12-31T15:59:60.123-08:00", "2024-02-29T00:00:00Z"] {
            #expect(dateTime.isValid(.string(valid)), "\(valid)")
        }
        for invalid in ["2026-11-20T11:02:13", "2026-11-20 11:02:13+08:00", "2026-13-20T11:02:13Z", "2025-02-29T00:00:00Z",
                        "2026-11-20T24:00:00Z", "1998-12-31T23:59:61Z", "1998-12-31T22:59:60Z", "2026-11-20T11:02:13+0800",
                        "2026-11-20T11:02:13.Z", "２026-11-20T11:02:13Z"] {
            #expect(!dateTime.isValid(.string(invalid)), "\(invalid)")
        }
        let date = try schema(#"{"format": "date"}"#, formatAssertion: true)
        #expect(date.isValid("2024-02-29"))
        #expect(!date.isValid("2023-02-29"))
        #expect(!date.isValid("2023-2-28"))
        let time = try schema(#"{"format": "time"}"#, formatAssertion: true)
        #expect(time.isValid("23:29:60+23:30"))
        #expect(!time.isValid("23:59:60+01:00"))
    }

    // MARK: Patterns

    @Test func runawayPatternsAreReportedAsSuch() throws {
        let compiled = try schema(#"{"pattern": "^(a|a)*$"}"#)
        let hostile = JSONValue.string(String(repeating: "a", count: 40) + "b")
        #expect(compiled.validate(hostile).map(\.description) == ["$: could not be checked against pattern ^(a|a)*$ (matching took too long)"])
    }

    // MARK: Sharing

    @Test func oneSchemaServesManyTasks() async throws {
        let compiled = try schema(#"{"type": "object", "properties": {"n": {"type": "integer", "multipleOf": 2}}}"#)
        let results = await withTaskGroup(of: Bool.self) { group in
            for n in 0..<200 {
                group.addTask { compiled.isValid(["n": .int(Int64(n))]) == (n % 2 == 0) && compiled.validate(["n": .int(Int64(n))]).isEmpty == (n % 2 == 0) }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0 })
    }
}
