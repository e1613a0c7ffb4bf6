extension JSON {
    /// Serializes to JSON text: compact by default, or indented with two spaces.
    public func serialized(pretty: Bool = false, sortKeys: Bool = false) -> String {
        var out = ""
        JSONWriter(pretty: pretty, sortKeys: sortKeys).write(self, into: &out, indent: 0)
        return out
    }

    /// Serialized UTF-8 bytes (compact).
    public var bytes: [UInt8] { Array(serialized().utf8) }
}

struct JSONWriter {
    var pretty: Bool
    var sortKeys: Bool

    func write(_ value: JSON, into out: inout String, indent: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .double(let d): out += JSONWriter.formatDouble(d)
        case .string(let s): JSONWriter.writeString(s, into: &out)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "["
            for (n, v) in a.enumerated() {
                if n > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                write(v, into: &out, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out += "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{"
            let keys = sortKeys ? o.keys.sorted() : o.keys
            for (n, k) in keys.enumerated() {
                if n > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                JSONWriter.writeString(k, into: &out)
                out += pretty ? ": " : ":"
                write(o[k]!, into: &out, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out += "}"
        }
    }

    private func newline(_ out: inout String, _ level: Int) {
        out += "\n"
        out += String(repeating: "  ", count: level)
    }

    /// Shortest text that reads back as the same double; integral values print without ".0".
    static func formatDouble(_ d: Double) -> String {
        if d.isNaN || d.isInfinite { return "null" }
        if d == d.rounded(), d.magnitude < 1e15 {
            return String(Int64(d))
        }
        return "\(d)"
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        var needsEscape = false
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C {
            needsEscape = true
            break
        }
        if !needsEscape {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
