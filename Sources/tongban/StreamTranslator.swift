import Dispatch
import Foundation
import TongbanCore
import TongbanMappings

/// Translates newline-delimited messages in bounded batches across all cores, writing results
/// in input order; memory stays flat whatever the number of lines.
struct StreamTranslator {
    let mapping: PartnerMapping
    let direction: Direction
    let kind: MessageKind
    static let batchSize = 2048

    /// Returns the number of refused lines.
    func run(input descriptor: Int32) -> Int {
        var reader = LineReader(descriptor: descriptor)
        var writer = OutputBuffer(descriptor: STDOUT_FILENO)
        var lineNumber = 0
        var refused = 0
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        while true {
            var batch: [[UInt8]] = []
            batch.reserveCapacity(Self.batchSize)
            while batch.count < Self.batchSize, let line = reader.nextLine() { batch.append(line) }
            if batch.isEmpty { break }
            let results = translate(batch, workers: workers)
            for (offset, result) in results.enumerated() {
                switch result {
                case .success(let bytes):
                    writer.append(Self.oneLine(bytes))
                    writer.append([0x0A])
                case .failure(let failure):
                    refused += 1
                    for issue in failure.issues { StandardError.write("line \(lineNumber + offset + 1): \(issue)") }
                case nil:
                    break
                }
            }
            lineNumber += batch.count
        }
        writer.flush()
        return refused
    }

    private func translate(_ batch: [[UInt8]], workers: Int) -> [Result<[UInt8], ValidationFailure>?] {
        let results = ResultSlots(count: batch.count)
        let chunk = (batch.count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = worker * chunk
            guard start < batch.count else { return }
            for index in start..<min(start + chunk, batch.count) {
                let line = batch[index]
                // Blank lines are skipped, as NDJSON readers commonly do.
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                results.set(index, mapping.translate(line, direction: direction, kind: kind, context: .current()))
            }
        }
        return results.values
    }

    /// One document per line: an XML prolog's line break is dropped and line breaks inside the
    /// document are written as `&#10;`, which XML reads back as the same character. Safe in
    /// GB18030 too, whose multi-byte sequences never contain the byte 0x0A.
    static func oneLine(_ bytes: [UInt8]) -> [UInt8] {
        guard var newline = bytes.firstIndex(of: 0x0A) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var start = 0
        while true {
            out.append(contentsOf: bytes[start..<newline])
            let endsDeclaration = newline >= 2 && bytes[newline - 1] == UInt8(ascii: ">") && bytes[newline - 2] == UInt8(ascii: "?")
            // A line break after the prolog or at the very end is layout, not content.
            if !endsDeclaration && newline != bytes.count - 1 { out.append(contentsOf: lineBreakReference) }
            start = newline + 1
            guard let next = bytes[start...].firstIndex(of: 0x0A) else { break }
            newline = next
        }
        out.append(contentsOf: bytes[start...])
        return out
    }

    private static let lineBreakReference: [UInt8] = Array("&#10;".utf8)
}

/// Per-index result storage written by concurrent workers, each index by exactly one worker.
private final class ResultSlots: @unchecked Sendable {
    private var storage: UnsafeMutableBufferPointer<Result<[UInt8], ValidationFailure>?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func set(_ index: Int, _ value: Result<[UInt8], ValidationFailure>) { storage[index] = value }
    var values: [Result<[UInt8], ValidationFailure>?] { Array(storage) }
}
