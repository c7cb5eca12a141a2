internal import CCurl
internal import CLibXML2

/// The versions of the C libraries actually linked, as `tongban version` prints them.
///
/// Operators need to know which libxml2 parses partner messages and which libcurl and TLS
/// library speak to partners when a security advisory comes out; the versions the code was
/// compiled against can differ from the shared libraries loaded at run time, so these ask the
/// libraries themselves.
public enum NativeLibraries {
    /// The loaded libxml2, such as `2.9.14`.
    public static let libxml2Version: String = {
        LibXML.prepare()
        // `xmlParserVersion` is "20914" for 2.9.14, possibly followed by a build suffix.
        guard let pointer = __xmlParserVersion().pointee,
              let code = Int(String(cString: pointer).prefix { $0.isASCII && $0.isNumber })
        else { return "unknown" }
        return "\(code / 10000).\(code / 100 % 100).\(code % 100)"
    }()

    /// The loaded libcurl and its TLS backend, such as `7.88.1 (OpenSSL/3.0.17)`. Asked once (a
    /// static `let`): `curl_version_info` fills a static buffer, so concurrent calls could race.
    public static let libcurlVersion: String = {
        // CURLVERSION_NOW is a macro Swift does not import; both fields read here exist since the
        // struct's first version, which is therefore the one asked for.
        guard let info = curl_version_info(CURLVERSION_FIRST)?.pointee, let version = info.version else { return "unknown" }
        let tls = info.ssl_version.map { String(cString: $0) } ?? "no TLS"
        return "\(String(cString: version)) (\(tls))"
    }()
}
