import ArgumentParser
import TongbanXML

/// `tongban version`: this build and the native libraries it runs on, for support requests.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version and the linked libxml2 and libcurl.")

    func run() {
        print("tongban 0.1.0")
        print("libxml2 \(NativeLibraries.libxml2Version)")
        print("libcurl \(NativeLibraries.libcurlVersion)")
    }
}
