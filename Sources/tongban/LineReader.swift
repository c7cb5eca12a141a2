import Foundation

/// Reads lines from a file descriptor in large blocks, without holding more than one block
/// and the current line in memory.
struct LineReader {
    let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    /// Reused for every read, so reading allocates only the lines it returns.
    private var block = [UInt8](repeating: 0, count: 1 << 20)

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// The next line without its line break; nil at the end of the input. A failed read is an
    /// error, never a silent end of input.
    mutating func nextLine() throws(StreamError) -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                return line
            }
            if finished {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return line
            }
            buffer.removeFirst(start)
            start = 0
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StreamError(message: "cannot read the input: \(String(cString: strerror(errno)))")
            }
            if count == 0 { finished = true } else { buffer.append(contentsOf: block[0..<count]) }
        }
    }
}

/// Buffered writes to a file descriptor, flushed in large blocks.
struct OutputBuffer {
    let descriptor: Int32
    private var buffer: [UInt8] = []

    init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 20)
    }

    mutating func append(_ bytes: [UInt8]) throws(StreamError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes everything buffered; a failed write is an error, never silently dropped output.
    mutating func flush() throws(StreamError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, buffer.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw StreamError(message: "cannot write the output: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Reading the input or writing the output failed; the translation stops there.
struct StreamError: Error {
    var message: String
}
