import Foundation
import Testing
import TongbanCore
import TongbanTesting

/// The `tongban` command as scripts and operators use it: output, stderr lines and exit codes
/// (0 ok, 1 invalid input, 2 configuration or usage error).
struct CommandLineTests {
    struct Run {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The binary built next to this test bundle.
    static let executable: URL = {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent("tongban")
    }()

    func tongban(_ arguments: [String], stdin: [UInt8] = []) throws -> Run {
        let run = try Spawned.run(Self.executable.path, arguments, directory: Repository.root, input: stdin)
        return Run(status: run.status, stdout: run.stdout, stderr: String(decoding: run.stderr, as: UTF8.self))
    }

    @Test func translatesAFileToThePartnersFormat() throws {
        let run = try tongban(["translate", "--partner", "hubei-zaoyang", "contracts/hubei-zaoyang/sample-local-case.json"])
        #expect(run.status == 0, "\(run.stderr)")
        let output = try JSONParser.parse(run.stdout.dropLast())
        #expect(output["servicecode"] == "420683-RS-0310-0002")
        #expect(output["receivetime"] == "20261120101500")
    }

    @Test func invalidInputExitsOneWithOneLinePerProblem() throws {
        let broken = CaseFixtures.sample.setting("applicant.idNumber", "429001198503120025").setting("timeLimit.unit", nil)
        let run = try tongban(["translate", "--partner", "henan-tongbai", "-"], stdin: broken.serialized())
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.contains { $0.hasPrefix("$.applicant.idNumber: ") })
        #expect(lines.contains { $0.hasPrefix("$.timeLimit.unit: ") })
    }

    @Test func configurationMistakesExitTwo() throws {
        let unknown = try tongban(["translate", "--partner", "nowhere", "-"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown partner 'nowhere'"))
        let usage = try tongban(["translate", "--partner", "hubei-zaoyang", "--direction", "sideways", "-"])
        #expect(usage.status == 2)
        let folder = try tongban(["mappings", "check", "--mappings", "/nonexistent"])
        #expect(folder.status == 2)
    }

    @Test func ndjsonStreamsResultsInOrderAndReportsRefusedLines() throws {
        var input: [UInt8] = []
        let numbers = (1...5000).map { String(format: "SX2026112%06d", $0) }
        for (index, number) in numbers.enumerated() {
            var line = CaseFixtures.sample.setting("caseNumber", .string(number))
            if index == 1234 { line = line.setting("matter.code", "421321ZZ9990001") }
            input += line.serialized() + [0x0A]
        }
        let run = try tongban(["translate", "--partner", "xiangshisuishen", "--ndjson", "-"], stdin: input.replacingHandlingRegion())
        #expect(run.status == 1)
        #expect(run.stderr == "line 1235: $.matter.code: matter 421321ZZ9990001 is not in the agreement with handling region 420300 (xiangshisuishen)\n")
        let lines = run.text.split(separator: "\n")
        #expect(lines.count == 4999)
        let caseNumbers = try lines.map { try JSONParser.parse(String($0))["body"]?["case_no"]?.stringValue ?? "" }
        #expect(caseNumbers == numbers.enumerated().filter { $0.offset != 1234 }.map(\.element))
    }

    @Test func ndjsonWritesOneXMLDocumentPerLine() throws {
        let remarks = CaseFixtures.sample.setting("remarks", "第一行\n第二行")
        let run = try tongban(["translate", "--partner", "henan-tongbai", "--ndjson", "-"], stdin: remarks.serialized() + [0x0A] + CaseFixtures.sample.serialized())
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: 0x0A)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.starts(with: Array(#"<?xml version="1.0" encoding="GB18030"?><KSTB"#.utf8)) })
        #expect(String(decoding: lines[0], as: UTF8.self).contains("&#10;"))
    }

    @Test func aFailedWriteIsReportedNotSwallowed() throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-\(UUID().uuidString).ndjson")
        defer { try? FileManager.default.removeItem(at: input) }
        try Data(CaseFixtures.sample.serialized() + [0x0A]).write(to: input)
        let full = open("/dev/full", O_WRONLY | O_CLOEXEC), nothing = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let errors = Pipe()
        let process = try Spawned(Self.executable.path, ["translate", "--partner", "henan-tongbai", "--ndjson", input.path], directory: Repository.root,
                                  input: nothing, output: full, error: errors.fileHandleForWriting.fileDescriptor)
        close(full)
        close(nothing)
        try errors.fileHandleForWriting.close()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(message.hasPrefix("cannot write the output: "))
    }

    @Test func mappingsCheckListsThePartners() throws {
        let run = try tongban(["mappings", "check"])
        #expect(run.status == 0)
        #expect(run.text.contains("henan-tongbai: 河南省桐柏县政务服务和大数据管理局, regions 411330, xml GB18030, transport push, 6 matters"))
        #expect(run.text.hasSuffix("ok: 3 partners\n"))
    }

    @Test func contractsTestPrintsATableAndPasses() throws {
        let run = try tongban(["contracts", "test", "--partner", "hubei-zaoyang"])
        #expect(run.status == 0, "\(run.text)")
        #expect(run.text.contains("  pass  outbound-case/"))
        #expect(!run.text.contains("FAIL"))
    }

    @Test func versionNamesTheNativeLibraries() throws {
        let run = try tongban(["version"])
        #expect(run.status == 0)
        #expect(run.text.contains("libxml2 2.") && run.text.contains("libcurl "))
    }
}

extension [UInt8] {
    /// The sample case retargeted at the 十堰 (420300) city of the hub agreement.
    func replacingHandlingRegion() -> [UInt8] {
        Array(String(decoding: self, as: UTF8.self)
            .replacingOccurrences(of: "\"handlingRegion\":\"411330\"", with: "\"handlingRegion\":\"420300\"")
            .replacingOccurrences(of: "421321GA0130001", with: "421321JY0140002").utf8)
    }
}
