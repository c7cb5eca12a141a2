internal import CCurl

/// One libcurl easy handle, owned and used by a single worker thread. Keeping it across requests
/// keeps its connection cache, so keep-alive connections to a partner are reused.
final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer
    private let configuration: CurlHTTPClient.Configuration
    /// Where curl writes a readable reason for a failure (CURLOPT_ERRORBUFFER).
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// `curl_easy_init` fails only when memory runs out or global set-up failed, which
    /// `CurlHTTPClient.init` has already ruled out; like any Swift allocation failure it traps.
    init(configuration: CurlHTTPClient.Configuration) {
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed") }
        self.handle = handle
        self.configuration = configuration
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Runs `request` to completion on the calling thread, which blocks meanwhile.
    func perform(_ request: HTTPClientRequest) -> Result<HTTPClientResponse, HTTPClientError> {
        guard HTTPToken.isValid(request.method) else {
            return .failure(.invalidRequest("method \(request.method.debugDescription) is not an HTTP token"))
        }
        // curl reads the URL as a C string: a NUL would silently cut it short.
        if request.url.utf8.contains(0) { return .failure(.invalidRequest("URL contains NUL")) }
        if request.method == "HEAD" && !request.body.isEmpty {
            return .failure(.invalidRequest("HEAD request with a body"))
        }
        let headerList: CurlHeaderList
        do { headerList = try CurlHeaderList(request.headers) } catch { return .failure(error) }
        let receiver = CurlResponseReceiver(limit: configuration.maxResponseBytes)

        // Options of the previous request must not leak into this one; the reset keeps the
        // connection cache.
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let code: CURLcode = withExtendedLifetime((headerList, receiver)) {
            request.body.withUnsafeBufferPointer { body in
                do throws(SetOptionError) {
                    try applyConfiguration()
                    try applyRequest(request, body: body, headerList: headerList, receiver: receiver)
                } catch {
                    return error.code
                }
                return curl_easy_perform(handle)
            }
        }

        if receiver.exceededLimit || code == CURLE_FILESIZE_EXCEEDED {
            return .failure(.responseTooLarge(configuration.maxResponseBytes))
        }
        guard code == CURLE_OK else { return .failure(HTTPClientError(curlCode: code, detail: errorText(code))) }
        var status = 0
        _ = tongban_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPClientResponse(status: status, headers: receiver.headers, body: receiver.body))
    }

    /// The client-wide options, applied again after every reset.
    private func applyConfiguration() throws(SetOptionError) {
        // Signals cannot be used for timeouts in a multi-threaded process.
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.curlMilliseconds)
        try set(CURLOPT_TIMEOUT_MS, configuration.totalTimeout.curlMilliseconds)
        // An empty proxy disables the environment's `http_proxy`, `https_proxy` and `all_proxy`.
        try set(CURLOPT_PROXY, configuration.proxy ?? "")
        try set(CURLOPT_SSL_VERIFYPEER, configuration.verifyPeer ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, configuration.verifyPeer ? 2 : 0)
        if let path = configuration.clientCertificatePath { try set(CURLOPT_SSLCERT, path) }
        if let path = configuration.clientKeyPath { try set(CURLOPT_SSLKEY, path) }
        if let path = configuration.caBundlePath { try set(CURLOPT_CAINFO, path) }
    }

    private func applyRequest(
        _ request: HTTPClientRequest, body: UnsafeBufferPointer<UInt8>,
        headerList: CurlHeaderList, receiver: CurlResponseReceiver
    ) throws(SetOptionError) {
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_HTTPHEADER, pointer: headerList.pointer)
        let receiverPointer = Unmanaged.passUnretained(receiver).toOpaque()
        try set(CURLOPT_HEADERDATA, pointer: receiverPointer)
        try set(CURLOPT_HEADERFUNCTION, callback: { data, size, count, userdata in
            let receiver = Unmanaged<CurlResponseReceiver>.fromOpaque(userdata!).takeUnretainedValue()
            receiver.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        try set(CURLOPT_WRITEDATA, pointer: receiverPointer)
        try set(CURLOPT_WRITEFUNCTION, callback: { data, size, count, userdata in
            let receiver = Unmanaged<CurlResponseReceiver>.fromOpaque(userdata!).takeUnretainedValue()
            // Any count other than the one given makes curl abort with CURLE_WRITE_ERROR.
            return receiver.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        })

        switch request.method {
        case "GET" where body.isEmpty:
            try set(CURLOPT_HTTPGET, 1)
        case "HEAD":
            try set(CURLOPT_NOBODY, 1)
            return
        default:
            if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
                // POSTFIELDS is not copied: `body` outlives the transfer. A null pointer would make
                // curl read the body from stdin, so an empty body points at an empty string.
                try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(body.count))
                try set(CURLOPT_POSTFIELDS, pointer: body.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(Self.emptyBody.utf8Start))
            }
            if request.method != "POST" { try set(CURLOPT_CUSTOMREQUEST, request.method) }
        }
        // Stops before the body when the announced Content-Length is already too long; not for
        // HEAD, whose Content-Length announces a body that never comes.
        try set(CURLOPT_MAXFILESIZE_LARGE, offset: curl_off_t(configuration.maxResponseBytes))
    }

    private static let emptyBody: StaticString = ""

    private func errorText(_ code: CURLcode) -> String {
        errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
    }

    // MARK: - Setting options

    /// A `curl_easy_setopt` that failed, such as an option this libcurl does not know.
    struct SetOptionError: Error { let code: CURLcode }

    private func set(_ option: CURLoption, _ value: Int) throws(SetOptionError) {
        try check(tongban_curl_setopt_long(handle, option, value))
    }

    private func set(_ option: CURLoption, offset value: curl_off_t) throws(SetOptionError) {
        try check(tongban_curl_setopt_offset(handle, option, value))
    }

    /// curl copies string options, so the temporary C string may go away afterwards.
    private func set(_ option: CURLoption, _ value: String) throws(SetOptionError) {
        try check(value.withCString { tongban_curl_setopt_pointer(handle, option, $0) })
    }

    private func set(_ option: CURLoption, pointer value: UnsafeRawPointer?) throws(SetOptionError) {
        try check(tongban_curl_setopt_pointer(handle, option, value))
    }

    private func set(_ option: CURLoption, callback value: curl_write_callback) throws(SetOptionError) {
        try check(tongban_curl_setopt_write_callback(handle, option, value))
    }

    private func check(_ code: CURLcode) throws(SetOptionError) {
        guard code == CURLE_OK else { throw SetOptionError(code: code) }
    }
}
