/// A 1-based position in a source text.
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
}

/// Why a JSON text could not be parsed, and where.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var position: SourcePosition
    public var description: String { "\(position): \(message)" }
}

/// Where each member key and each value of a parsed document starts, keyed by
/// the JSON Pointer of the value (RFC 6901, e.g. `/assert/0/equal`).
///
/// Response bodies take the fast path without one. Collection files get a *lazy*
/// map (`JSONSourceMap(file:)`): positions are needed only for messages, so the
/// file is read and parsed with positions again the first time one is asked for,
/// and a valid collection of 100,000 files neither pays for the maps nor keeps any
/// file's text.
public struct JSONSourceMap: Sendable {
    /// `@unchecked Sendable`: `state` is only touched under `Table.lock`, one lock
    /// for every table (maps are built rarely, for messages), so a table costs one
    /// small object per file rather than an object and a mutex.
    final class Table: @unchecked Sendable {
        private static let lock = Locked()
        let file: String?
        private var state: (values: [String: SourcePosition], keys: [String: SourcePosition])?
        init(file: String?, values: [String: SourcePosition], keys: [String: SourcePosition], built: Bool) {
            self.file = file
            state = built ? (values, keys) : nil
        }

        var maps: (values: [String: SourcePosition], keys: [String: SourcePosition]) {
            if let state = Table.lock.withLock({ self.state }) { return state }
            // Built outside the lock (it reads and parses the file); the first to finish wins.
            let made = file.flatMap(JSONSourceMap.readMaps(file:)) ?? ([:], [:])
            return Table.lock.withLock {
                if let state = self.state { return state }
                self.state = made
                return made
            }
        }
    }

    let table: Table

    public init() { table = Table(file: nil, values: [:], keys: [:], built: true) }

    init(values: [String: SourcePosition], keys: [String: SourcePosition]) {
        table = Table(file: nil, values: values, keys: keys, built: true)
    }

    /// The map of a file that parsed, built from the file when first used.
    public init(file: String) { table = Table(file: file, values: [:], keys: [:], built: false) }

    public var values: [String: SourcePosition] { table.maps.values }
    public var keys: [String: SourcePosition] { table.maps.keys }

    /// The best position for a pointer: the key if it is a member, else the value,
    /// else the nearest ancestor's.
    public func position(for pointer: String) -> SourcePosition? {
        let (values, keys) = table.maps
        var p = pointer
        while true {
            if let k = keys[p] { return k }
            if let v = values[p] { return v }
            if p.isEmpty { return nil }
            if let slash = p.lastIndex(of: "/") { p = String(p[..<slash]) } else { return nil }
        }
    }

    public func valuePosition(for pointer: String) -> SourcePosition? {
        table.maps.values[pointer] ?? position(for: pointer)
    }
}

/// Escapes one reference token for a JSON Pointer.
@inline(__always)
public func jsonPointerEscape(_ token: String) -> String {
    if !token.utf8.contains(where: { $0 == 0x7E || $0 == 0x2F }) { return token }
    return token.replacingAll("~", with: "~0").replacingAll("/", with: "~1")
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}

/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// It is the hot path for response bodies, so it works on raw bytes and builds
/// values directly; with `sourceMap` it also records positions for diagnostics.
public struct JSONParser {
    public struct Options: Sendable {
        /// Reject objects that repeat a key (collection files); responses keep the last.
        public var rejectDuplicateKeys = false
        public var maxDepth = 512
        public init(rejectDuplicateKeys: Bool = false, maxDepth: Int = 512) {
            self.rejectDuplicateKeys = rejectDuplicateKeys
            self.maxDepth = maxDepth
        }
    }

    /// Parses a whole document.
    public static func parse(_ bytes: some Collection<UInt8>, options: Options = Options()) throws(JSONParseError) -> JSON {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buf throws(JSONParseError) in
            var p = Impl(buf: buf, options: options, recordPositions: false)
            return try p.parseDocument()
        }
    }

    public static func parse(_ text: String, options: Options = Options()) throws(JSONParseError) -> JSON {
        try parse(Array(text.utf8), options: options)
    }

    /// Parses a document and records where every key and value starts.
    public static func parseWithSourceMap(_ bytes: some Collection<UInt8>, options: Options = Options()) throws(JSONParseError) -> (JSON, JSONSourceMap) {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buf throws(JSONParseError) in
            var p = Impl(buf: buf, options: options, recordPositions: true)
            let v = try p.parseDocument()
            return (v, JSONSourceMap(values: p.values, keys: p.keys))
        }
    }

    struct Impl {
        let buf: UnsafeBufferPointer<UInt8>
        let options: Options
        let recordPositions: Bool
        var i = 0
        var depth = 0
        var values: [String: SourcePosition] = [:]
        var keys: [String: SourcePosition] = [:]
        var pointer: [String] = []

        init(buf: UnsafeBufferPointer<UInt8>, options: Options, recordPositions: Bool) {
            self.buf = buf
            self.options = options
            self.recordPositions = recordPositions
            // Skip a UTF-8 byte order mark.
            if buf.count >= 3, buf[0] == 0xEF, buf[1] == 0xBB, buf[2] == 0xBF { i = 3 }
        }

        /// Position of a byte offset; scans forward from the last answer, so the
        /// mostly increasing offsets asked while recording cost O(n) in total.
        var cursor = (offset: 0, line: 1, column: 1)

        mutating func position(at offset: Int) -> SourcePosition {
            if offset < cursor.offset { cursor = (0, 1, 1) }
            var (k, line, col) = cursor
            let end = min(offset, buf.count)
            while k < end {
                let b = buf[k]
                if b == 0x0A {
                    line += 1
                    col = 1
                } else if b & 0xC0 != 0x80 {
                    col += 1
                }
                k += 1
            }
            cursor = (k, line, col)
            return SourcePosition(line: line, column: col)
        }

        mutating func fail(_ message: String, at offset: Int? = nil) -> JSONParseError {
            JSONParseError(message: message, position: position(at: offset ?? i))
        }

        var currentPointer: String {
            pointer.isEmpty ? "" : "/" + pointer.joined(separator: "/")
        }

        @inline(__always)
        mutating func skipWhitespace() {
            while i < buf.count {
                let b = buf[i]
                if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 } else { break }
            }
        }

        mutating func parseDocument() throws(JSONParseError) -> JSON {
            skipWhitespace()
            if i >= buf.count { throw fail("the document is empty; expected a JSON value") }
            let v = try parseValue()
            skipWhitespace()
            if i < buf.count {
                throw fail("unexpected \(describe(buf[i])) after the end of the JSON value")
            }
            return v
        }

        func describe(_ b: UInt8) -> String {
            if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
            return String(format: "byte 0x%02X", b)
        }

        mutating func parseValue() throws(JSONParseError) -> JSON {
            if recordPositions { values[currentPointer] = position(at: i) }
            guard i < buf.count else { throw fail("unexpected end of input; expected a value") }
            switch buf[i] {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            case let b:
                if b == UInt8(ascii: "'") {
                    throw fail("strings must use double quotes (\"), not single quotes")
                }
                throw fail("unexpected \(describe(b)); expected a value (object, array, string, number, true, false or null)")
            }
        }

        mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
            let start = i
            let n = word.utf8CodeUnitCount
            if i + n <= buf.count {
                var ok = true
                word.withUTF8Buffer { w in
                    for k in 0..<n where buf[i + k] != w[k] { ok = false; break }
                }
                if ok { i += n; return }
            }
            throw fail("invalid literal; expected '\(word)'", at: start)
        }

        mutating func parseObject() throws(JSONParseError) -> JSON {
            let open = i
            i += 1
            depth += 1
            if depth > options.maxDepth { throw fail("nesting is deeper than \(options.maxDepth) levels") }
            defer { depth -= 1 }
            var obj = JSONObject()
            skipWhitespace()
            if i < buf.count, buf[i] == UInt8(ascii: "}") { i += 1; return .object(obj) }
            while true {
                skipWhitespace()
                guard i < buf.count else { throw fail("unterminated object (opened at \(position(at: open)))") }
                guard buf[i] == UInt8(ascii: "\"") else {
                    if buf[i] == UInt8(ascii: "}") { throw fail("trailing comma before '}' is not allowed in JSON") }
                    throw fail("expected a member name in double quotes, found \(describe(buf[i]))")
                }
                let keyStart = i
                let key = try parseString()
                if options.rejectDuplicateKeys, obj[key] != nil {
                    throw fail("duplicate key '\(key)' in this object", at: keyStart)
                }
                skipWhitespace()
                guard i < buf.count, buf[i] == UInt8(ascii: ":") else {
                    throw fail("expected ':' after the member name '\(key)'")
                }
                i += 1
                skipWhitespace()
                if recordPositions {
                    pointer.append(jsonPointerEscape(key))
                    keys[currentPointer] = position(at: keyStart)
                }
                let value = try parseValue()
                if recordPositions { pointer.removeLast() }
                obj[key] = value
                skipWhitespace()
                guard i < buf.count else { throw fail("unterminated object (opened at \(position(at: open)))") }
                if buf[i] == UInt8(ascii: ",") { i += 1; continue }
                if buf[i] == UInt8(ascii: "}") { i += 1; return .object(obj) }
                throw fail("expected ',' or '}' after a member, found \(describe(buf[i]))")
            }
        }

        mutating func parseArray() throws(JSONParseError) -> JSON {
            let open = i
            i += 1
            depth += 1
            if depth > options.maxDepth { throw fail("nesting is deeper than \(options.maxDepth) levels") }
            defer { depth -= 1 }
            var arr: [JSON] = []
            skipWhitespace()
            if i < buf.count, buf[i] == UInt8(ascii: "]") { i += 1; return .array(arr) }
            while true {
                skipWhitespace()
                if i < buf.count, buf[i] == UInt8(ascii: "]") {
                    throw fail("trailing comma before ']' is not allowed in JSON")
                }
                if recordPositions { pointer.append(String(arr.count)) }
                arr.append(try parseValue())
                if recordPositions { pointer.removeLast() }
                skipWhitespace()
                guard i < buf.count else { throw fail("unterminated array (opened at \(position(at: open)))") }
                if buf[i] == UInt8(ascii: ",") { i += 1; continue }
                if buf[i] == UInt8(ascii: "]") { i += 1; return .array(arr) }
                throw fail("expected ',' or ']' after an array element, found \(describe(buf[i]))")
            }
        }

        mutating func parseString() throws(JSONParseError) -> String {
            let open = i
            i += 1
            let start = i
            // Fast path: no escapes.
            while i < buf.count {
                let b = buf[i]
                if b == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: buf[start..<i])
                    i += 1
                    guard let s = String(validating: slice, as: UTF8.self) else {
                        throw fail("the string is not valid UTF-8", at: start)
                    }
                    return s
                }
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { throw fail("control character in a string must be escaped") }
                i += 1
            }
            var bytes = [UInt8](UnsafeBufferPointer(rebasing: buf[start..<i]))
            while i < buf.count {
                let b = buf[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    guard let s = String(validating: bytes, as: UTF8.self) else {
                        throw fail("the string is not valid UTF-8", at: start)
                    }
                    return s
                }
                if b < 0x20 { throw fail("control character in a string must be escaped") }
                if b != UInt8(ascii: "\\") {
                    bytes.append(b)
                    i += 1
                    continue
                }
                i += 1
                guard i < buf.count else { break }
                let e = buf[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        if i + 1 < buf.count, buf[i] == UInt8(ascii: "\\"), buf[i + 1] == UInt8(ascii: "u") {
                            i += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else {
                                throw fail("invalid low surrogate in \\u escape", at: i - 6)
                            }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            throw fail("lone high surrogate in \\u escape", at: i - 6)
                        }
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("lone low surrogate in \\u escape", at: i - 6)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape", at: i - 6) }
                    bytes.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string", at: i - 2)
                }
            }
            throw fail("unterminated string (opened at \(position(at: open)))", at: open)
        }

        mutating func hex4() throws(JSONParseError) -> UInt32 {
            guard i + 4 <= buf.count else { throw fail("incomplete \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = buf[i]
                let d: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
                default: throw fail("invalid hex digit in \\u escape")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        mutating func parseNumber() throws(JSONParseError) -> JSON {
            let start = i
            var isInteger = true
            if buf[i] == UInt8(ascii: "-") { i += 1 }
            guard i < buf.count, isDigit(buf[i]) else { throw fail("invalid number: expected a digit", at: i) }
            if buf[i] == UInt8(ascii: "0") {
                i += 1
                if i < buf.count, isDigit(buf[i]) { throw fail("invalid number: leading zeros are not allowed", at: start) }
            } else {
                while i < buf.count, isDigit(buf[i]) { i += 1 }
            }
            if i < buf.count, buf[i] == UInt8(ascii: ".") {
                isInteger = false
                i += 1
                guard i < buf.count, isDigit(buf[i]) else { throw fail("invalid number: expected a digit after '.'") }
                while i < buf.count, isDigit(buf[i]) { i += 1 }
            }
            if i < buf.count, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
                isInteger = false
                i += 1
                if i < buf.count, buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-") { i += 1 }
                guard i < buf.count, isDigit(buf[i]) else { throw fail("invalid number: expected a digit in the exponent") }
                while i < buf.count, isDigit(buf[i]) { i += 1 }
            }
            let slice = UnsafeBufferPointer(rebasing: buf[start..<i])
            if isInteger, slice.count <= 19 {
                var v: Int64 = 0
                var neg = false
                var ok = true
                for b in slice {
                    if b == UInt8(ascii: "-") { neg = true; continue }
                    let (m, o1) = v.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(b - UInt8(ascii: "0")))
                    if o1 || o2 { ok = false; break }
                    v = a
                }
                if ok { return .integer(neg ? -v : v) }
            }
            let text = String(decoding: slice, as: UTF8.self)
            guard let d = Double(text) else { throw fail("invalid number '\(text)'", at: start) }
            guard d.isFinite else { throw fail("the number \(text) is too large to represent", at: start) }
            return .double(d)
        }

        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    }
}

import Foundation
