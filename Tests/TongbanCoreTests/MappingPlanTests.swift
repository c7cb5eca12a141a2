import Testing
@testable import TongbanCore

/// The mapping language: what mapping authors rely on when they write an agreement's files.
struct MappingPlanTests {
    static let context = TranslationContext(now: Timestamp.parseRFC3339("2026-11-20T09:31:02+08:00")!, uuid: "5f0c6a2e-8b1d-4c3a-9e7f-2d4b6a8c0e11")

    func list(_ yaml: String, name: String = "kinds") throws -> CodeList {
        try CodeList.load(try YAMLNode.parse(yaml, file: "codes/\(name).yaml"), name: name)
    }

    func plan(_ yaml: String, source: MappingPlan.Format = .json, output: MappingPlan.Format = .json, lists: [CodeList] = [], towardPartner: Bool = true) throws -> MappingPlan {
        var byName: [String: CodeList] = [:]
        for list in lists { byName[list.name] = list }
        return try MappingPlan.compile(try YAMLNode.parse(yaml, file: "test.yaml"), sourceFormat: source, outputFormat: output,
                                       codeLists: byName, towardPartner: towardPartner, zoneOffset: 8 * 3600)
    }

    /// The single mistake a broken mapping is reported for.
    func mistake(_ yaml: String, source: MappingPlan.Format = .json) throws -> MappingError {
        let errors = try #require(throws: MappingErrors.self) { try self.plan(yaml, source: source) }
        #expect(errors.errors.count == 1, "\(errors)")
        return try #require(errors.errors.first)
    }

    func runJSON(_ plan: MappingPlan, _ source: JSONValue) -> Result<JSONValue, ValidationFailure> {
        plan.run(source: .json(source), local: ["division": "421321"], partner: ["division": "411330"], context: Self.context).map { output in
            if case .json(let value) = output { return value }
            return .null
        }
    }

    @Test func absentValuesAreOmittedAndMemberOrderFollowsTheFile() throws {
        let plan = try plan("""
        output:
          b: name
          a: missing.field
          nested:
            x: alsoMissing
          c: count(items)
        """)
        let output = try runJSON(plan, ["name": "王建国", "items": [1, 2, 3]]).get()
        #expect(output.compactString == #"{"b":"王建国","c":3}"#)
    }

    @Test func eachBindsTheItemAndItsPosition() throws {
        let plan = try plan("""
        output:
          list:
            $each: materials
            $as: m
            n: position
            title: m.name
            digest: "'sha256:' + m.sha256"
        """)
        let output = try runJSON(plan, ["materials": [["name": "a"], ["name": "b", "sha256": "ff"]]]).get()
        #expect(output.compactString == #"{"list":[{"n":1,"title":"a"},{"n":2,"title":"b","digest":"sha256:ff"}]}"#)
    }

    @Test func hourRuleNeedsNoSwift() throws {
        let plan = try plan("""
        let:
          hourLimit: timeLimit.unit == 'hour'
        output:
          promiseDay: if(hourLimit, ceil(timeLimit.value / 8), timeLimit.value)
          memo: join('；', remarks, if(hourLimit, '原承诺时限' + timeLimit.value + '小时', null))
        """)
        let hours = try runJSON(plan, ["timeLimit": ["value": 20, "unit": "hour"], "remarks": "加急"]).get()
        #expect(hours.compactString == #"{"promiseDay":3,"memo":"加急；原承诺时限20小时"}"#)
        let days = try runJSON(plan, ["timeLimit": ["value": 5, "unit": "workingDay"]]).get()
        #expect(days.compactString == #"{"promiseDay":5}"#)
    }

    @Test func ifElseWritesAnExplicitNull() throws {
        let plan = try plan("""
        output:
          result:
            $if: exists(result)
            $else: null
            certName: result.name
        """)
        #expect(try runJSON(plan, [:]).get().compactString == #"{"result":null}"#)
        #expect(try runJSON(plan, ["result": ["name": "证"]]).get().compactString == #"{"result":{"certName":"证"}}"#)
    }

    @Test func codeListsTranslateBothWaysAndReportMisses() throws {
        let ids = try list("""
        codes:
          "111": "10"
          "990": "99"
          "001": "99"
        reverse:
          "99": "990"
        """, name: "id-types")
        let outbound = try plan("output:\n  t: idType | code('id-types')", lists: [ids])
        #expect(try runJSON(outbound, ["idType": "001"]).get().compactString == #"{"t":"99"}"#)
        let failure = try #require(runJSON(outbound, ["idType": "515"]).failure)
        #expect(failure.issues == [ValidationIssue(path: "$.t", reason: "'515' is not in code list id-types (codes/id-types.yaml)")])

        let inbound = try plan("output:\n  t: z | code('id-types')", lists: [ids], towardPartner: false)
        #expect(try runJSON(inbound, ["z": "99"]).get().compactString == #"{"t":"990"}"#)
        #expect(try runJSON(inbound, ["z": "10"]).get().compactString == #"{"t":"111"}"#)
    }

    @Test func codeListMissingBehaviours() throws {
        let omit = try list("missing: omit\ncodes:\n  a: A")
        let keep = try list("missing: keep\ncodes:\n  a: A")
        let fallback = try list("missing: default\ndefault: Z\ncodes:\n  a: A")
        for (list, expected) in [(omit, "{}"), (keep, #"{"t":"q"}"#), (fallback, #"{"t":"Z"}"#)] {
            let plan = try plan("output:\n  t: v | code('kinds')", lists: [list])
            #expect(try runJSON(plan, ["v": "q"]).get().compactString == expected)
        }
    }

    @Test func ambiguousReverseCodeIsALoadError() throws {
        let error = try #require(throws: MappingError.self) {
            try list("""
            codes:
              "990": "99"
              "001": "99"
            """, name: "id-types")
        }
        #expect(error.file == "codes/id-types.yaml")
        #expect(error.line == 2)
        #expect(error.message.contains("'99' stands for several local codes (990, 001)"))
    }

    @Test func unknownKeysAreErrorsNamingKeyFileAndLine() throws {
        let error = try mistake("""
            description: x
            outptu:
              a: b
            """)
        #expect(error.description.hasPrefix("test.yaml:2:1: unknown key 'outptu'"))
        let directive = try mistake("output:\n  a:\n    $fi: x\n    b: c")
        #expect(directive.line == 3)
        #expect(directive.message.contains("unknown directive '$fi'"))
    }

    @Test func expressionMistakesPointAtTheColumn() throws {
        let error = try mistake("output:\n  a: name +")
        #expect(error.line == 2 && error.column == 12)
        #expect(error.message.contains("unexpected end of expression"))
        let unknownList = try mistake("output:\n  a: x | code('nope')")
        #expect(unknownList.message.contains("unknown code list 'nope'"))
        let unknownFunction = try mistake("output:\n  a: frobnicate(x)")
        #expect(unknownFunction.message.contains("unknown function 'frobnicate'"))
        let arity = try mistake("output:\n  a: padLeft(x, 3)")
        #expect(arity.message.contains("does not take 2 argument(s)"))
    }

    @Test func everyMistakeInAFileIsListed() throws {
        let errors = try #require(throws: MappingErrors.self) {
            try plan("""
            let:
              a: (b
            output:
              x: y +
              z:
                w: frob(1)
            """)
        }
        #expect(errors.errors.map { "\($0.line ?? 0)" } == ["2", "4", "6"])
    }

    @Test func xmlSourcesUseNamespacesAttributesAndRepeatedElements() throws {
        let ns = "urn:ha:zwfw:kstb:2"
        func element(_ name: String, text: String = "", attributes: [(String, String)] = [], _ children: [XMLTree.Element] = []) -> XMLTree.Element {
            XMLTree.Element(name: XMLQName(name, namespace: ns), attributes: attributes.map { (XMLQName($0.0), $0.1) }, children: children, text: text)
        }
        let root = element("KSTB", [
            element("SBXX", [
                element("SQR", attributes: [("LX", "2")], [element("MC", text: "某公司")]),
                element("BZ"),
                element("CLLB", [element("CL", attributes: [("XH", "1")], [element("CLMC", text: "甲")]),
                                 element("CL", attributes: [("XH", "2")], [element("CLMC", text: "乙")])]),
            ]),
        ])
        let plan = try plan("""
        namespace: urn:ha:zwfw:kstb:2
        output:
          kind: SBXX.SQR.@LX
          name: SBXX.SQR.MC
          remarks: SBXX.BZ
          titles:
            $each: SBXX.CLLB.CL
            $value: item.CLMC + '#' + item.@XH
        """, source: .xml)
        let output = try plan.run(source: .element(root), local: [:], partner: [:], context: Self.context).get()
        guard case .json(let json) = output else { Issue.record("expected JSON"); return }
        #expect(json.compactString == #"{"kind":"2","name":"某公司","titles":["甲#1","乙#2"]}"#)

        let undeclared = try mistake("output:\n  a: q:SBXX", source: .xml)
        #expect(undeclared.message.contains("namespace prefix 'q' is not declared"))
    }

    @Test func xmlOutputBuildsAttributesTextAndOmitsEmptyElements() throws {
        let plan = try plan("""
        namespace: urn:x
        output:
          R:
            "@V": "'2.1'"
            A:
              "@DW": unit
              $value: value
            EMPTY:
              X: missing
            L:
              I:
                $each: items
                "@N": position
                $value: item
        """, output: .xml)
        let output = try plan.run(source: .json(["unit": "G", "value": 5, "items": ["a", "b"]]), local: [:], partner: [:], context: Self.context).get()
        guard case .xml(let tree) = output else { Issue.record("expected XML"); return }
        #expect(tree.root.name == XMLQName("R", namespace: "urn:x"))
        #expect(tree.root.attribute(XMLQName("V")) == "2.1")
        #expect(tree.root.children.map(\.name.local) == ["A", "L"])
        #expect(tree.root.children[0].text == "5" && tree.root.children[0].attribute(XMLQName("DW")) == "G")
        #expect(tree.root.children[1].children.map(\.text) == ["a", "b"])
        #expect(tree.root.children[1].children.map { $0.attribute(XMLQName("N")) } == ["1", "2"])
    }

    @Test func rejectRulesRefuseWithInterpolatedReasons() throws {
        let plan = try plan("""
        reject:
          - when: code != 0
            path: $.code
            reason: the partner answered code {code} ({msg})
        output:
          a: data
        """)
        let failure = try #require(runJSON(plan, ["code": 4011, "msg": "签名错误"]).failure)
        #expect(failure.issues == [ValidationIssue(path: "$.code", reason: "the partner answered code 4011 (签名错误)")])
        #expect(try runJSON(plan, ["code": 0, "data": "x"]).get().compactString == #"{"a":"x"}"#)
    }

    @Test func stringFunctions() throws {
        let plan = try plan("""
        output:
          area: code | padRight(12, '0')
          six: substr(long, 0, 6)
          hours: int(before(after(memo, '原承诺时限'), '小时'))
          rest: nonEmpty(trimSuffix(before(memo, '原承诺时限'), '；'))
          blank: nonEmpty(empty)
        """)
        let output = try runJSON(plan, ["code": "421321", "long": "421321000000", "memo": "加急；原承诺时限4小时", "empty": " "]).get()
        #expect(output.compactString == #"{"area":"421321000000","six":"421321","hours":4,"rest":"加急"}"#)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
