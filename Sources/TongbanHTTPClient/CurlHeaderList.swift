internal import CCurl

/// A request's headers as the `curl_slist` that CURLOPT_HTTPHEADER takes, freed with the list.
final class CurlHeaderList {
    let pointer: UnsafeMutablePointer<curl_slist>?

    /// Checks names and values first, so a value carrying CR or LF cannot smuggle a header or a
    /// second request onto the wire. `Content-Length` is dropped: curl sets it from the body.
    init(_ headers: [HTTPHeader]) throws(HTTPClientError) {
        var lines: [String] = []
        for header in headers {
            guard HTTPToken.isValid(header.name) else { throw .invalidRequest("header name \(header.name.debugDescription) is not an HTTP token") }
            guard !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw .invalidRequest("header \(header.name) contains CR, LF or NUL")
            }
            if header.name.lowercased() == "content-length" { continue }
            // "Name:" alone would tell curl to remove its own header; "Name;" sends an empty value.
            lines.append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        // An empty `Expect:` stops curl from sending `Expect: 100-continue` with larger bodies and
        // then waiting up to a second for a `100 Continue` that many partners never send.
        if !headers.contains(where: { $0.name.lowercased() == "expect" }) { lines.append("Expect:") }

        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in lines {
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw .transport("curl_slist_append failed")
            }
            list = appended
        }
        pointer = list
    }

    deinit { curl_slist_free_all(pointer) }
}
