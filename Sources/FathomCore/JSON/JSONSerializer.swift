extension JSON {
    /// Serializes to JSON text: compact by default, or indented with two spaces.
    public func serialized(pretty: Bool = false, sortKeys: Bool = false) -> String {
        String(decoding: serializedBytes(pretty: pretty, sortKeys: sortKeys), as: UTF8.self)
    }

    /// Serialized UTF-8 bytes (compact).
    public var bytes: [UInt8] { serializedBytes(pretty: false, sortKeys: false) }

    func serializedBytes(pretty: Bool, sortKeys: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        JSONWriter(pretty: pretty, sortKeys: sortKeys).write(self, into: &out, indent: 0)
        return out
    }
}

/// Writes JSON as UTF-8 bytes: strings are copied in runs between the bytes that
/// need escaping, rather than a character at a time.
struct JSONWriter {
    var pretty: Bool
    var sortKeys: Bool

    func write(_ value: JSON, into out: inout [UInt8], indent: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: JSONWriter.formatDouble(d).utf8)
        case .string(let s): JSONWriter.writeString(s, into: &out)
        case .array(let a):
            if a.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(0x5B)
            for (n, v) in a.enumerated() {
                if n > 0 { out.append(0x2C) }
                if pretty { newline(&out, indent + 1) }
                write(v, into: &out, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out.append(0x5D)
        case .object(let o):
            if o.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(0x7B)
            let keys = sortKeys ? o.keys.sorted() : o.keys
            for (n, k) in keys.enumerated() {
                if n > 0 { out.append(0x2C) }
                if pretty { newline(&out, indent + 1) }
                JSONWriter.writeString(k, into: &out)
                out.append(0x3A)
                if pretty { out.append(0x20) }
                write(o[k]!, into: &out, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out.append(0x7D)
        }
    }

    private func newline(_ out: inout [UInt8], _ level: Int) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: 2 * level))
    }

    /// Shortest text that reads back as the same double; integral values print without ".0".
    static func formatDouble(_ d: Double) -> String {
        if d.isNaN || d.isInfinite { return "null" }
        if d == d.rounded(), d.magnitude < 1e15 {
            return String(Int64(d))
        }
        return "\(d)"
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                runStart = i + 1
                out.append(0x5C)
                switch b {
                case 0x22: out.append(0x22)
                case 0x5C: out.append(0x5C)
                case 0x0A: out.append(0x6E)  // n
                case 0x0D: out.append(0x72)  // r
                case 0x09: out.append(0x74)  // t
                case 0x08: out.append(0x62)  // b
                case 0x0C: out.append(0x66)  // f
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])  // u00XX
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
        }
        out.append(0x22)
    }
}
