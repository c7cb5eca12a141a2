import Dispatch
import Foundation
import TongbanCore
import TongbanMappings

/// Translates newline-delimited messages in bounded batches across all cores, writing results
/// in input order; memory stays flat whatever the number of lines.
///
/// Reading the next batch and writing the previous one's results overlap with translating the
/// current batch, so the cores stay busy with translation.
struct StreamTranslator {
    let mapping: PartnerMapping
    let direction: Direction
    let kind: MessageKind
    static let batchSize = 2048
    /// Lines handed to a core at a time: small enough to balance the cores, large enough that
    /// handing out work costs nothing measurable.
    static let chunkSize = 32

    /// Returns the number of refused lines.
    func run(input descriptor: Int32) throws(StreamError) -> Int {
        var reader = LineReader(descriptor: descriptor)
        var writer = OutputBuffer(descriptor: STDOUT_FILENO)
        var firstLine = 1
        var refused = 0
        var current = try readBatch(&reader)
        var translation = current.isEmpty ? nil : start(current)
        while let running = translation {
            let next = try readBatch(&reader)
            running.group.wait()
            translation = next.isEmpty ? nil : start(next)
            for (offset, result) in running.slots.values.enumerated() {
                switch result {
                case .success(let bytes):
                    try writer.append(Self.oneLine(bytes) + [0x0A])
                case .failure(let failure):
                    refused += 1
                    for issue in failure.issues { StandardError.write("line \(firstLine + offset): \(issue)") }
                case nil:
                    break
                }
            }
            firstLine += current.count
            current = next
        }
        try writer.flush()
        return refused
    }

    private func readBatch(_ reader: inout LineReader) throws(StreamError) -> [[UInt8]] {
        var batch: [[UInt8]] = []
        batch.reserveCapacity(Self.batchSize)
        while batch.count < Self.batchSize, let line = try reader.nextLine() { batch.append(line) }
        return batch
    }

    /// Starts translating a batch on all cores; the results are ready when `group` is done.
    private func start(_ batch: [[UInt8]]) -> (group: DispatchGroup, slots: ResultSlots) {
        let slots = ResultSlots(count: batch.count)
        let group = DispatchGroup()
        let chunks = (batch.count + Self.chunkSize - 1) / Self.chunkSize
        let (mapping, direction, kind) = (self.mapping, self.direction, self.kind)
        DispatchQueue.global().async(group: group) {
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * Self.chunkSize
                for index in start..<min(start + Self.chunkSize, batch.count) {
                    let line = batch[index]
                    // Blank lines are skipped, as NDJSON readers commonly do.
                    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                    slots.set(index, mapping.translate(line, direction: direction, kind: kind, context: .current()))
                }
            }
        }
        return (group, slots)
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
