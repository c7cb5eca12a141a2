import Foundation

extension HolidayCalendar {
    /// Loads every `*.tsv` file of `directory` (`ops/data/holidays/`), one year each, so that
    /// next year's arrangement is added by dropping in its file.
    ///
    /// A directory without any such file is refused at load time: otherwise every working-day
    /// deadline would fail later, one case at a time.
    public init(directory: URL) throws(HolidayFileError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw HolidayFileError(file: directory.path, line: nil, reason: "cannot list the directory: \(error.localizedDescription)")
        }
        let files = names.filter { $0.hasSuffix(".tsv") }.sorted().map { directory.appendingPathComponent($0) }
        guard !files.isEmpty else {
            throw HolidayFileError(file: directory.path, line: nil, reason: "no *.tsv holiday calendar file in the directory")
        }
        try self.init(files: files)
    }

    /// Loads the given files, one year each; messages name each file by its path.
    public init(files: [URL]) throws(HolidayFileError) {
        var years: [Year] = []
        for file in files {
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw HolidayFileError(file: file.path, line: nil, reason: "cannot read the file as UTF-8: \(error.localizedDescription)")
            }
            years.append(try Year(tsv: text, file: file.path))
        }
        try self.init(years)
    }
}
