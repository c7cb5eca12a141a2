internal import CCurl

/// libcurl's process-wide set-up. `curl_global_init` must run once before any handle exists and
/// is not safe to call from two threads at once.
enum CurlGlobal {
    /// A static `let`: Swift runs its initializer exactly once, however many threads ask.
    private static let initResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    static func initialize() throws(HTTPClientError) {
        let code = initResult
        guard code == CURLE_OK else {
            throw .transport("curl_global_init: \(String(cString: curl_easy_strerror(code)))")
        }
    }
}
