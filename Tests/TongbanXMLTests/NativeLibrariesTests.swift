import Testing
import TongbanXML

@Suite struct NativeLibrariesTests {
    @Test func versionsAreThoseOfTheLoadedLibraries() throws {
        #expect(NativeLibraries.libxml2Version.wholeMatch(of: /[0-9]+\.[0-9]+\.[0-9]+/) != nil, "\(NativeLibraries.libxml2Version)")
        #expect(NativeLibraries.libcurlVersion.wholeMatch(of: /[0-9]+\.[0-9]+\.[0-9]+ \(.+\)/) != nil, "\(NativeLibraries.libcurlVersion)")
    }
}
