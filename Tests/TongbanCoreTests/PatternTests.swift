import Testing
import TongbanCore

@Suite("Pattern")
struct PatternTests {
    private func check(_ pattern: String, _ cases: [(String, Bool)], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let compiled = try Pattern(pattern)
        for (input, expected) in cases {
            #expect(compiled.matches(in: input) == expected, "\(pattern) on \(input.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    @Test func partnerPatterns() throws {
        try check(#"^420683-[A-Z]{2,3}-\d{4}-\d{4}$"#, [
            ("420683-RS-0310-0002", true), ("420683-RSX-0310-0002", true), ("420683-R-0310-0002", false),
            ("420683-RSXY-0310-0002", false), ("420683-RS-0310-00021", false), ("x420683-RS-0310-0002", false),
        ])
        try check(#"^[0-9A-HJ-NPQRTUWXY]{18}$"#, [
            ("11421321MB1834560Y", true), ("11421321MB1834560I", false), ("11421321MB1834560", false), ("11421321MB1834560YY", false),
        ])
        try check(#"^sha256:[0-9a-f]{64}$"#, [
            ("sha256:" + String(repeating: "ab", count: 32), true), ("sha256:" + String(repeating: "AB", count: 32), false),
        ])
        try check(#"^[0-9+-]{7,20}$"#, [("13872990012", true), ("+86-138", true), ("123456", false), ("1234567a", false)])
        try check(#"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"#, [
            ("5f0c6a2e-8b1d-4c3a-9e7f-2d4b6a8c0e11", true), ("5f0c6a2e-8b1d-4c3a-9e7f-2d4b6a8c0e1", false),
        ])
        try check(#"^\d{14}$"#, [("20261120101500", true), ("2026112010150", false), ("２0261120101500", false)])
    }

    @Test func searchIsUnanchored() throws {
        try check("a+", [("xxaayy", true), ("xyz", false)])
        try check("^a*$", [("aaa", true), ("abc", false), ("", true)])
        try check("f.o", [("xfoo", true), ("f\no", false)])
        try check("^á", [("ába", true), ("aba", false)])
        try check("[0-9]{2,}", [("a12", true), ("a1b2", false)])
        try check("b$", [("ab", true), ("ab\n", false)])
    }

    @Test func classesAndEscapes() throws {
        try check(#"^[^a-c]$"#, [("d", true), ("b", false), ("é", true)])
        try check(#"^[\w.-]+@[\w-]+\.[a-z]{2,}$"#, [("a.b-c@x-y.cn", true), ("a@b", false)])
        try check(#"^\s\S\W\D$"#, [(" x!a", true), ("\u{3000}x!b", true), ("xx!a", false)])
        try check(#"^\u4e2d\x41\t\/\.$"#, [("中A\t/.", true), ("中A\t/x", false)])
        try check(#"^[\u0041-\u0043]+$"#, [("ABC", true), ("ABCD", false)])
        try check(#"^\u{1F600}.$"#, [("😀😀", true)])
        try check(#"^[\d-z]$"#, [("5", true), ("-", true), ("z", true), ("y", false)])
        try check(#"\bfoo\b"#, [("a foo b", true), ("afoob", false)])
        try check("^a{2}}$", [("aa}", true)])
        try check("^x{,3}$", [("x{,3}", true)])
    }

    @Test func groupsAlternationAndQuantifiers() throws {
        try check("^(ab|cd)+$", [("abcdab", true), ("abc", false), ("", false)])
        try check("^(?:a|ab)(?:c|bcd)$", [("abcd", true), ("ac", true), ("abc", true)])
        try check("^(a*)*b$", [("aaab", true), ("aaa", false)])
        try check("^(?<year>\\d{4})-(\\d{2})$", [("2026-11", true), ("2026-1", false)])
        try check("^a+?b$", [("aaab", true)])
        try check("^(ab){2,3}$", [("abab", true), ("ababab", true), ("ab", false), ("abababab", false)])
        try check("^(?=.*\\d)[a-z\\d]{4}$", [("ab1c", true), ("abcd", false)])
        try check("^(?!0+$)\\d+$", [("000", false), ("010", true)])
        try check("^a.*b$", [("axxbxxb", true), ("axxbxxc", false)])
        try check("^(a|)*$", [("aaa", true), ("b", false)])
    }

    @Test func refusesUnsupportedConstructs() {
        for pattern in [#"(a)\1"#, "(?<=a)b", #"\p{L}"#, #"\a"#, "(?i)a", "a**", "(a", "a)", "[b-a]", "[a", #"\"#, "a{3,2}", "*a"] {
            #expect(throws: PatternError.self, "\(pattern)") { try Pattern(pattern) }
        }
    }

    @Test func errorNamesTheConstruct() {
        #expect(throws: PatternError(pattern: #"(a)\1"#, offset: 3, reason: "backreferences are not supported")) {
            try Pattern(#"(a)\1"#)
        }
    }

    @Test func budgetStopsCatastrophicBacktracking() throws {
        let pattern = try Pattern("^(a|a)*$", stepBudget: 100_000)
        let input = String(repeating: "a", count: 40) + "b"
        #expect(pattern.firstMatch(in: input) == .budgetExceeded)
        #expect(!pattern.matches(in: input))
        #expect(pattern.matches(in: "aaaa"))
    }

    @Test func firstMatchReportsTheRange() throws {
        let pattern = try Pattern("中+")
        let input = "ab中中c"
        guard case .found(let range) = pattern.firstMatch(in: input) else {
            Issue.record("no match")
            return
        }
        #expect(input[range] == "中中")
        #expect(pattern.firstMatch(in: "abc") == .notFound)
    }
}
