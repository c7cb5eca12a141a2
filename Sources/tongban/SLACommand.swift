import ArgumentParser
import Foundation
import TongbanCore
import TongbanGateway
import TongbanStorage

/// `tongban sla`: the SLA figures.
struct SLACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sla", abstract: "SLA figures.", subcommands: [SLAReportCommand.self])
}

/// `tongban sla report`: on-time completion, handling times and overdue cases, from the
/// gateway's database (running or not) and the holiday files its configuration names.
struct SLAReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the SLA figures per agreement and per matter, and the overdue and due-soon cases.")

    @Option(help: "The gateway's configuration file (data directory, sla.holidays, sla.dueSoon).")
    var config: String = "ops/config/tongban.yaml"

    @Option(help: "Cases created at or after this RFC 3339 time.")
    var from: String?

    @Option(help: "Cases created before this RFC 3339 time.")
    var to: String?

    @Option(help: "One partner's cases.")
    var partner: String?

    @Option(help: "One matter's cases (实施编码).")
    var matter: String?

    @Flag(help: "Print the figures as JSON (the body of GET /ops/v1/sla).")
    var json = false

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] where value != nil && Timestamp.parseRFC3339(value!) == nil {
            throw ValidationError("\(name) \(value!): write an RFC 3339 time with an offset, e.g. 2026-01-01T00:00:00+08:00")
        }
    }

    func run() async throws {
        let configuration = try GatewayConfiguration.load(file: URL(fileURLWithPath: config))
        guard let settings = configuration.sla else {
            throw ConfigurationProblem(message: "\(config): no sla section (sla.holidays names the holiday files)")
        }
        let calendar: HolidayCalendar
        do { calendar = try HolidayCalendar(directory: settings.holidays) } catch {
            throw ConfigurationProblem(message: "\(error)")
        }
        let path = configuration.dataDirectory.appendingPathComponent("tongban.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationProblem(message: "\(path): no database here (has the gateway run with this configuration?)")
        }
        let store = try SQLiteStore(path: path, readers: 1)
        let bounds = (from.flatMap(Timestamp.parseRFC3339).map { $0.epochSeconds * 1000 }, to.flatMap(Timestamp.parseRFC3339).map { $0.epochSeconds * 1000 })
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let figures: SLAFigures
        do {
            guard await store.isReady() else {
                throw ConfigurationProblem(message: "\(path): the database is not at this version's schema; start the gateway once to migrate it")
            }
            let timelines = try await SLAFigures.timelines(store: store, partner: partner, matter: matter, from: bounds.0, to: bounds.1)
            figures = try SLAFigures(timelines, calendar: calendar, now: now, dueSoon: settings.dueSoon)
        } catch let problem as SLAFigures.Problem {
            await store.close()
            throw InputRefused(lines: ["\(problem)"])
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        if json {
            print(String(decoding: figures.json(from: bounds.0, to: bounds.1, now: now).serialized(), as: UTF8.self))
        } else {
            print(Self.table(figures), terminator: "")
        }
    }

    static func table(_ figures: SLAFigures) -> String {
        func hours(_ seconds: Int64?) -> String { seconds.map { String(format: "%.1f h", Double($0) / 3600) } ?? "-" }
        func row(_ name: String, _ report: SLAReport) -> String {
            let rate = report.onTimeRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
            let open = report.openByStatus.values.reduce(0, +)
            return [name.padding(toLength: 32, withPad: " ", startingAt: 0), String(report.count), String(report.completed),
                    String(report.completedOnTime), rate, hours(report.medianHandlingSeconds), hours(report.p90HandlingSeconds),
                    String(open), String(report.overdue.count), String(report.dueSoon.count)]
                .enumerated().map { $0.offset == 0 ? $0.element : $0.element.leftPadded(to: 9) }.joined(separator: " ") + "\n"
        }
        var text = "group".padding(toLength: 32, withPad: " ", startingAt: 0)
        text += ["cases", "completed", "on time", "rate", "median", "p90", "open", "overdue", "due soon"].map { " " + $0.leftPadded(to: 9) }.joined() + "\n"
        text += row("all", figures.all)
        for (name, report) in figures.byAgreement.sorted(by: { $0.key < $1.key }) { text += row("agreement \(name)", report) }
        for (code, report) in figures.byMatter.sorted(by: { $0.key < $1.key }) { text += row("matter \(code)", report) }
        for (title, list) in [("overdue", figures.all.overdue), ("due soon", figures.all.dueSoon)] where !list.isEmpty {
            text += "\n\(title):\n"
            for open in list { text += "  \(open.caseID)  \(open.agreement)  \(open.matterCode)  \(open.status.rawValue)  promised \(open.promise.rfc3339())\n" }
        }
        return text
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
