/// Where the elements of chosen arrays start in a JSON text, found by one pass
/// over the bytes that builds no values: the positions a large file needs for its
/// messages (every `item` of a Postman collection, say) without the cost of a full
/// `JSONSourceMap`, which records every key and value.
///
/// The text must be valid JSON (parse it first); the result maps the JSON pointer
/// of each element of an array that is the value of a member named in `names`
/// (`/item/3`, `/item/3/event/0`) to its position.
public enum JSONPositionIndex {
    public static func positions(in bytes: [UInt8], elementsOf names: Set<String>) -> [String: SourcePosition] {
        bytes.withUnsafeBufferPointer { scan($0, names: names.map { Array($0.utf8) }) }
    }

    private struct Frame {
        var isObject: Bool
        /// Objects: the current member's key (byte range, quotes excluded).
        var keyStart = 0
        var keyEnd = 0
        /// Arrays: the index of the current element, and whether elements are recorded.
        var index = 0
        var record = false
    }

    private static func scan(_ b: UnsafeBufferPointer<UInt8>, names: [[UInt8]]) -> [String: SourcePosition] {
        var out: [String: SourcePosition] = [:]
        var stack: [Frame] = []
        stack.reserveCapacity(32)
        var i = 0
        var line = 1
        var lineStart = 0
        var expectingKey = false
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3; lineStart = 3 }

        func keyMatches(_ f: Frame) -> Bool {
            let n = f.keyEnd - f.keyStart
            for name in names where name.count == n {
                var same = true
                for k in 0..<n where b[f.keyStart + k] != name[k] { same = false; break }
                if same { return true }
            }
            return false
        }
        func pointer() -> String {
            var out = ""
            for f in stack {
                out += "/"
                if f.isObject {
                    out += jsonPointerEscape(unescape(b, f.keyStart, f.keyEnd))
                } else {
                    out += String(f.index)
                }
            }
            return out
        }
        // Columns count characters from the line's start. Positions only grow, so the
        // count continues from the last one asked for on the same line: a minified
        // file (one long line) stays linear.
        var columnAt = lineStart
        var columnValue = 1
        func column(_ at: Int) -> Int {
            if columnAt < lineStart || columnAt > at {
                columnAt = lineStart
                columnValue = 1
            }
            var k = columnAt
            var c = columnValue
            while k < at {
                if b[k] & 0xC0 != 0x80 { c += 1 }
                k += 1
            }
            columnAt = at
            columnValue = c
            return c
        }
        /// Called where a value starts: records it when its array asks for that.
        func valueStarts(at at: Int) {
            if let top = stack.last, !top.isObject, top.record {
                out[pointer()] = SourcePosition(line: line, column: column(at))
            }
        }

        while i < b.count {
            let c = b[i]
            switch c {
            case 0x0A:
                line += 1
                i += 1
                lineStart = i
            case 0x20, 0x09, 0x0D:
                i += 1
            case 0x7B:  // {
                valueStarts(at: i)
                stack.append(Frame(isObject: true))
                expectingKey = true
                i += 1
            case 0x5B:  // [
                valueStarts(at: i)
                let record = stack.last.map { $0.isObject && keyMatches($0) } ?? false
                stack.append(Frame(isObject: false, record: record))
                expectingKey = false
                i += 1
            case 0x7D, 0x5D:  // } ]
                stack.removeLast()
                expectingKey = false
                i += 1
            case 0x2C:  // ,
                if let top = stack.last {
                    if top.isObject { expectingKey = true } else { stack[stack.count - 1].index += 1 }
                }
                i += 1
            case 0x3A:  // :
                expectingKey = false
                i += 1
            case 0x22:  // "
                let start = i + 1
                var k = start
                while k < b.count, b[k] != 0x22 {
                    k += b[k] == 0x5C ? 2 : 1
                }
                if expectingKey, !stack.isEmpty {
                    stack[stack.count - 1].keyStart = start
                    stack[stack.count - 1].keyEnd = k
                } else {
                    valueStarts(at: i)
                }
                i = k + 1
            default:
                // A number or a literal: record it, then skip to the next delimiter.
                valueStarts(at: i)
                while i < b.count {
                    let d = b[i]
                    if d == 0x2C || d == 0x7D || d == 0x5D || d == 0x20 || d == 0x0A || d == 0x0D || d == 0x09 { break }
                    i += 1
                }
            }
        }
        return out
    }

    /// The text of a string's bytes, with JSON escapes undone (keys rarely have any).
    static func unescape(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let raw = UnsafeBufferPointer(rebasing: b[start..<end])
        if !raw.contains(0x5C) { return String(decoding: raw, as: UTF8.self) }
        var quoted = [UInt8(0x22)]
        quoted += raw
        quoted.append(0x22)
        if case .string(let s)? = try? JSONParser.parse(quoted) { return s }
        return String(decoding: raw, as: UTF8.self)
    }
}
