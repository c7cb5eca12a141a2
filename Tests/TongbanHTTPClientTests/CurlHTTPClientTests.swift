import Foundation
import Testing
import TongbanHTTPClient

/// The error `execute` threw, or nil with an issue recorded when it answered instead.
private func failure(of request: HTTPClientRequest, on client: CurlHTTPClient) async -> HTTPClientError? {
    do {
        let response = try await client.execute(request)
        Issue.record("expected an error, got status \(response.status)")
        return nil
    } catch {
        return error
    }
}

private let echo: @Sendable (ReceivedRequest) -> CannedResponse = { request in
    CannedResponse(status: 200, headers: [HTTPHeader("X-Method", request.method)], body: request.body)
}

@Suite struct RoundTripTests {
    @Test func getSendsHeadersInOrderAndReturnsResponseHeadersInOrder() async throws {
        let server = try TestHTTPServer { _ in
            CannedResponse(status: 200, headers: [HTTPHeader("X-First", "1"), HTTPHeader("X-Second", "two words"), HTTPHeader("X-First", "3")], body: Array("hello".utf8))
        }
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1))

        let response = try await client.execute(HTTPClientRequest(
            method: "GET", url: server.url("/status?partner=sh"),
            headers: [HTTPHeader("X-B", "2"), HTTPHeader("X-A", "1"), HTTPHeader("X-Empty", "")]
        ))

        #expect(response.status == 200)
        #expect(response.headers == [HTTPHeader("X-First", "1"), HTTPHeader("X-Second", "two words"), HTTPHeader("X-First", "3"), HTTPHeader("Content-Length", "5")])
        #expect(response.body == Array("hello".utf8))
        let received = try #require(server.requests.first)
        #expect(received.method == "GET")
        #expect(received.target == "/status?partner=sh")
        #expect(received.headers.filter { $0.name.hasPrefix("X-") } == [HTTPHeader("X-B", "2"), HTTPHeader("X-A", "1"), HTTPHeader("X-Empty", "")])
        #expect(received.header("Content-Length") == nil)
        await client.shutdown()
    }

    @Test func postSendsBinaryBodyExactlyWithoutExpectContinue() async throws {
        let server = try TestHTTPServer(handler: echo)
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1))
        // "中文报文" in GB18030, a NUL, every byte value, and enough of it that curl would
        // otherwise ask for `100 Continue`.
        let body: [UInt8] = [0xD6, 0xD0, 0xCE, 0xC4, 0xB1, 0xA8, 0xCE, 0xC4, 0x00] + (0..<1_100_000).map { UInt8($0 % 256) }

        let response = try await client.execute(HTTPClientRequest(
            method: "POST", url: server.url("/deliver"),
            headers: [HTTPHeader("Content-Type", "application/xml; charset=GB18030"), HTTPHeader("Content-Length", "1")],
            body: body
        ))

        #expect(response.status == 200)
        #expect(response.body == body)
        let received = try #require(server.requests.first)
        #expect(received.method == "POST")
        #expect(received.body == body)
        #expect(received.header("Content-Length") == String(body.count))
        #expect(received.header("Content-Type") == "application/xml; charset=GB18030")
        #expect(received.header("Expect") == nil)
        await client.shutdown()
    }

    @Test func otherMethodsAreSentAsGiven() async throws {
        let server = try TestHTTPServer(handler: echo)
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1))

        let put = try await client.execute(HTTPClientRequest(method: "PUT", url: server.url("/a"), body: Array("x".utf8)))
        let emptyPost = try await client.execute(HTTPClientRequest(method: "POST", url: server.url("/b")))
        let delete = try await client.execute(HTTPClientRequest(method: "DELETE", url: server.url("/c")))
        let head = try await client.execute(HTTPClientRequest(method: "HEAD", url: server.url("/d")))
        let get = try await client.execute(HTTPClientRequest(method: "GET", url: server.url("/e")))

        #expect([put, emptyPost, delete, head, get].map(\.status) == [200, 200, 200, 200, 200])
        let received = server.requests
        #expect(received.map(\.method) == ["PUT", "POST", "DELETE", "HEAD", "GET"])
        #expect(received.map(\.body) == [Array("x".utf8), [], [], [], []])
        #expect(received.map { $0.header("Content-Length") } == ["1", "0", nil, nil, nil])
        await client.shutdown()
    }

    @Test func serviceUnavailableIsAResponse() async throws {
        let server = try TestHTTPServer { _ in
            CannedResponse(status: 503, headers: [HTTPHeader("Retry-After", "120")], body: Array("busy".utf8))
        }
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1))

        let response = try await client.execute(HTTPClientRequest(method: "POST", url: server.url("/deliver"), body: [1]))

        #expect(response.status == 503)
        #expect(response.header("retry-after") == "120")
        #expect(response.body == Array("busy".utf8))
        await client.shutdown()
    }

    @Test func redirectsAreReturnedNotFollowed() async throws {
        let server = try TestHTTPServer { _ in CannedResponse(status: 302, headers: [HTTPHeader("Location", "/elsewhere")]) }
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1))

        let response = try await client.execute(HTTPClientRequest(method: "GET", url: server.url("/moved")))

        #expect(response.status == 302)
        #expect(response.header("Location") == "/elsewhere")
        #expect(server.requests.map(\.target) == ["/moved"])
        await client.shutdown()
    }

    @Test func headersOfAnInterimResponseAreDropped() async throws {
        let server = try TestHTTPServer { _ in
            CannedResponse(status: 201, headers: [HTTPHeader("X-Final", "yes")], interimContinue: true)
        }
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1))

        let response = try await client.execute(HTTPClientRequest(method: "POST", url: server.url("/"), body: [1, 2]))

        #expect(response.status == 201)
        #expect(response.headers == [HTTPHeader("X-Final", "yes"), HTTPHeader("Content-Length", "0")])
        await client.shutdown()
    }

    @Test func configuredProxyReceivesTheRequest() async throws {
        let proxy = try TestHTTPServer { _ in CannedResponse(status: 204) }
        defer { proxy.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1, proxy: proxy.url("")))

        let response = try await client.execute(HTTPClientRequest(method: "GET", url: "http://partner.invalid/inbox"))

        #expect(response.status == 204)
        #expect(proxy.requests.map(\.target) == ["http://partner.invalid/inbox"])
        await client.shutdown()
    }
}

@Suite struct FailureTests {
    @Test func refusedConnectionIsAConnectError() async throws {
        let server = try TestHTTPServer(.refusing)
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1))

        let error = await failure(of: HTTPClientRequest(method: "GET", url: server.url("/")), on: client)

        guard case .connect(let detail)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(detail.contains("\(server.port)"))
        #expect(error?.isRetryable == true)
        await client.shutdown()
    }

    @Test func silentServerTimesOutWithinTheTotalTimeout() async throws {
        let server = try TestHTTPServer(.silent)
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1, totalTimeout: .milliseconds(500)))

        let start = ContinuousClock.now
        let error = await failure(of: HTTPClientRequest(method: "POST", url: server.url("/"), body: [1]), on: client)
        let elapsed = ContinuousClock.now - start

        guard case .timeout? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(elapsed >= .milliseconds(450))
        // Far below the 60 s default: the configured limit applied. Not tighter, because a loaded
        // 2-core CI machine can delay the worker thread by seconds.
        #expect(elapsed < .seconds(30))
        await client.shutdown()
    }

    @Test(arguments: [false, true])
    func responseOverTheLimitIsRefused(closeDelimited: Bool) async throws {
        let server = try TestHTTPServer { request in
            CannedResponse(status: 200, body: [UInt8](repeating: 0x41, count: request.target == "/big" ? 100_001 : 100_000), closeDelimited: closeDelimited)
        }
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1, maxResponseBytes: 100_000))

        let fitting = try await client.execute(HTTPClientRequest(method: "GET", url: server.url("/fits")))
        let error = await failure(of: HTTPClientRequest(method: "GET", url: server.url("/big")), on: client)
        // A HEAD answer announces the long body without sending it, so it is within the limit.
        let head = try await client.execute(HTTPClientRequest(method: "HEAD", url: server.url("/big")))

        #expect(fitting.body.count == 100_000)
        #expect(head.status == 200)
        #expect(error == .responseTooLarge(100_000))
        await client.shutdown()
    }

    @Test func tlsHandshakeWithAPlainHTTPServerIsATLSError() async throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1))

        let error = await failure(of: HTTPClientRequest(method: "GET", url: "https://127.0.0.1:\(server.port)/"), on: client)

        guard case .tls? = error else { Issue.record("got \(String(describing: error))"); return }
        await client.shutdown()
    }

    @Test(arguments: [
        HTTPClientRequest(method: "GET", url: "ftp://127.0.0.1/file"),
        HTTPClientRequest(method: "GET", url: "file:///etc/passwd"),
        HTTPClientRequest(method: "GET", url: "http://[::1/"),
        HTTPClientRequest(method: "GET", url: "http://127.0.0.1/\u{0}"),
        HTTPClientRequest(method: "GET /x", url: "http://127.0.0.1/"),
        HTTPClientRequest(method: "GET", url: "http://127.0.0.1/", headers: [HTTPHeader("X-A", "1\r\nX-Injected: 1")]),
        HTTPClientRequest(method: "GET", url: "http://127.0.0.1/", headers: [HTTPHeader("Bad Name", "1")]),
        HTTPClientRequest(method: "HEAD", url: "http://127.0.0.1/", body: [1]),
    ])
    func invalidRequestsAreRefusedUnsent(request: HTTPClientRequest) async throws {
        let client = try CurlHTTPClient(configuration: .init(connections: 1))

        let error = await failure(of: request, on: client)

        guard case .invalidRequest? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.isRetryable == false)
        await client.shutdown()
    }
}

@Suite struct ConfigurationTests {
    @Test func missingCertificateFileIsAConfigurationError() {
        #expect(throws: HTTPClientError.configuration("clientCertificatePath /nonexistent/client.pem: no such file")) {
            try CurlHTTPClient(configuration: .init(clientCertificatePath: "/nonexistent/client.pem"))
        }
    }

    @Test func unusableFilesAndValuesAreConfigurationErrors() {
        #expect(throws: HTTPClientError.configuration("caBundlePath /tmp: is a directory")) {
            try CurlHTTPClient(configuration: .init(caBundlePath: "/tmp"))
        }
        #expect(throws: HTTPClientError.configuration("clientKeyPath /nonexistent/key.pem: no such file")) {
            try CurlHTTPClient(configuration: .init(clientKeyPath: "/nonexistent/key.pem"))
        }
        #expect(throws: HTTPClientError.configuration("connections 0: must be at least 1")) {
            try CurlHTTPClient(configuration: .init(connections: 0))
        }
    }

    @Test func existingFilesAreAccepted() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tongban-\(UUID()).pem").path
        try Data("not checked until a TLS connection".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }

        let client = try CurlHTTPClient(configuration: .init(clientCertificatePath: path, clientKeyPath: path, caBundlePath: path))

        #expect(client.configuration.clientCertificatePath == path)
        await client.shutdown()
    }
}

@Suite struct ConcurrencyTests {
    @Test func fiftyRequestsRunAtMostFourAtOnceOverReusedConnections() async throws {
        let server = try TestHTTPServer { request in
            CannedResponse(status: 200, body: request.body, delay: .milliseconds(20))
        }
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 4))

        let results = await withTaskGroup(of: Result<HTTPClientResponse, HTTPClientError>.self) { group in
            for index in 0..<50 {
                group.addTask {
                    do throws(HTTPClientError) {
                        return .success(try await client.execute(HTTPClientRequest(method: "POST", url: server.url("/\(index)"), body: [UInt8(index)])))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }

        let bodies = results.compactMap { try? $0.get().body }
        #expect(bodies.count == 50)
        #expect(Set(bodies) == Set((0..<50).map { [UInt8($0)] }))
        #expect(server.requests.count == 50)
        #expect(server.maxConcurrentRequests <= 4)
        #expect(server.maxConcurrentRequests >= 2)
        #expect(server.acceptedConnections <= 4)
        await client.shutdown()
    }

    @Test func oneWorkerReusesOneConnection() async throws {
        let server = try TestHTTPServer(handler: echo)
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1))

        for index in 0..<10 {
            let request = index.isMultiple(of: 2)
                ? HTTPClientRequest(method: "GET", url: server.url("/\(index)"))
                : HTTPClientRequest(method: "POST", url: server.url("/\(index)"), body: [UInt8(index)])
            #expect(try await client.execute(request).status == 200)
        }

        #expect(server.requests.count == 10)
        #expect(server.acceptedConnections == 1)
        await client.shutdown()
    }

    @Test func shutdownFinishesQueuedRequestsThenRefusesNewOnes() async throws {
        let server = try TestHTTPServer { _ in CannedResponse(status: 200, delay: .milliseconds(200)) }
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(connections: 1))

        async let first = client.execute(HTTPClientRequest(method: "GET", url: server.url("/1")))
        async let second = client.execute(HTTPClientRequest(method: "GET", url: server.url("/2")))
        async let third = client.execute(HTTPClientRequest(method: "GET", url: server.url("/3")))
        // The three start together; once the first is at the server, a little more time
        // lets the other two reach the queue of the single worker.
        while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        await client.shutdown()

        #expect(server.requests.count == 3)
        #expect(try await [first, second, third].map(\.status) == [200, 200, 200])
        let error = await failure(of: HTTPClientRequest(method: "GET", url: server.url("/4")), on: client)
        #expect(error == .shutDown)
    }
}
