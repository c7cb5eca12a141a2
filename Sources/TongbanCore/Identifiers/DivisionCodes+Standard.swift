import Foundation

extension DivisionCodes {
    /// The table bundled with Tongban (`Resources/gbt2260-history.tsv`), read and parsed once, on
    /// first use, and shared by every thread.
    ///
    /// The file is part of the build, so failing to read it is a packaging defect, not an input
    /// error: it stops the process with the reason instead of letting every code look unknown.
    public static let standard: DivisionCodes = {
        guard let url = Bundle.module.url(forResource: "gbt2260-history", withExtension: "tsv") else {
            fatalError("gbt2260-history.tsv is missing from the TongbanCore resource bundle")
        }
        do {
            return try DivisionCodes(tsv: String(contentsOf: url, encoding: .utf8))
        } catch {
            fatalError("gbt2260-history.tsv cannot be used: \(error)")
        }
    }()
}
