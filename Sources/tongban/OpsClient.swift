import ArgumentParser
import Foundation
import TongbanCore
import TongbanHTTPClient

/// Where the running gateway's operations API is and who calls it: the commands that act on a
/// running gateway (`tongban dlq`, `tongban replay`, `tongban partners`) share these options.
struct OpsOptions: ParsableArguments {
    @Option(help: "The gateway's base URL (or TONGBAN_GATEWAY).")
    var gateway: String = ProcessInfo.processInfo.environment["TONGBAN_GATEWAY"] ?? "http://127.0.0.1:8080"

    @Option(help: "A file holding the operator's token (or TONGBAN_OPERATOR_TOKEN).")
    var tokenFile: String?

    /// The token, from the file or the environment; never from an option, which `ps` would show.
    func token() throws -> String {
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw ConfigurationProblem(message: "\(tokenFile): cannot read the operator's token")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let token = ProcessInfo.processInfo.environment["TONGBAN_OPERATOR_TOKEN"], !token.isEmpty else {
            throw ConfigurationProblem(message: "no operator token: set TONGBAN_OPERATOR_TOKEN or pass --token-file")
        }
        return token
    }
}

/// Calls the operations API and turns its answers into what a command prints or refuses:
/// `422` becomes exit 1 with each `path: reason`, other errors exit 2 with the problem's detail.
struct OpsClient {
    let options: OpsOptions

    func get(_ path: String) async throws -> JSONValue {
        try await send("GET", path, body: nil)
    }

    func post(_ path: String, _ body: JSONValue) async throws -> JSONValue {
        try await send("POST", path, body: body)
    }

    private func send(_ method: String, _ path: String, body: JSONValue?) async throws -> JSONValue {
        let token = try options.token()
        let client = try CurlHTTPClient(configuration: .init(connections: 1, connectTimeout: .seconds(5), totalTimeout: .seconds(120)))
        var headers = [HTTPHeader("Authorization", "Bearer \(token)")]
        if body != nil { headers.append(HTTPHeader("Content-Type", "application/json")) }
        let base = options.gateway.hasSuffix("/") ? String(options.gateway.dropLast()) : options.gateway
        let result: Result<HTTPClientResponse, HTTPClientError>
        do {
            result = .success(try await client.execute(HTTPClientRequest(method: method, url: base + path, headers: headers, body: body?.serialized() ?? [])))
        } catch {
            result = .failure(error)
        }
        await client.shutdown()
        let response: HTTPClientResponse
        switch result {
        case .success(let answer): response = answer
        case .failure(let error): throw ConfigurationProblem(message: "\(base): \(error)")
        }
        let json = (try? JSONParser.parse(response.body)) ?? .null
        switch response.status {
        case 200..<300:
            return json
        case 422:
            let issues = json["issues"]?.arrayValue?.map { "\($0["path"]?.stringValue ?? "$"): \($0["reason"]?.stringValue ?? "")" } ?? []
            throw InputRefused(lines: issues.isEmpty ? [json["detail"]?.stringValue ?? "refused"] : issues)
        default:
            let detail = json["detail"]?.stringValue ?? json["title"]?.stringValue ?? String(decoding: response.body.prefix(300), as: UTF8.self)
            throw ConfigurationProblem(message: "\(method) \(path): HTTP \(response.status): \(detail)")
        }
    }
}
