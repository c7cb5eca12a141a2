/// Collects one response from curl's header and write callbacks, which get a pointer to it.
final class CurlResponseReceiver {
    private(set) var headers: [HTTPHeader] = []
    private(set) var body: [UInt8] = []
    /// Set when the body passed `limit`; the write callback then stops the transfer.
    private(set) var exceededLimit = false
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// One header line as curl hands it over, CRLF included. A status line starts a new
    /// response (after `100 Continue`, or a proxy's `200 Connection established`), so the headers
    /// gathered so far belong to an interim answer and are dropped.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = bytes[...]
        while let last = line.last, last == 0x0D || last == 0x0A { line = line.dropLast() }
        if line.starts(with: "HTTP/".utf8) {
            headers.removeAll()
        } else if let first = line.first, first == 0x20 || first == 0x09 {
            // An obsolete folded continuation line belongs to the previous header's value.
            guard var previous = headers.popLast() else { return }
            previous.value += " " + Self.text(line.trimmingHTTPWhitespace())
            headers.append(previous)
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = Self.text(line[..<colon])
            let value = Self.text(line[line.index(after: colon)...].trimmingHTTPWhitespace())
            headers.append(HTTPHeader(name, value))
        }
    }

    /// Appends body bytes; returns false once the body would pass the limit.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= limit else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// UTF-8 when valid, else Latin-1 byte for byte, so no header byte is lost or replaced.
    private static func text(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        if let utf8 = String(validating: bytes, as: UTF8.self) { return utf8 }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}

extension Slice<UnsafeRawBufferPointer> {
    fileprivate func trimmingHTTPWhitespace() -> Slice<UnsafeRawBufferPointer> {
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let start = firstIndex(where: { !isWhitespace($0) }), let end = lastIndex(where: { !isWhitespace($0) }) else {
            return self[startIndex..<startIndex]
        }
        return self[start...end]
    }
}
