/// One part of a `multipart/form-data` body.
struct MultipartPart {
    var name: String
    var filename: String?
    var contentType: String?
    var body: ArraySlice<UInt8>
}

/// A small `multipart/form-data` (RFC 7578) parser over the collected body bytes.
enum Multipart {
    /// The `boundary` parameter of a Content-Type header value.
    static func boundary(fromContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let trimmed = parameter.drop(while: { $0 == " " || $0 == "\t" })
            guard let eq = trimmed.firstIndex(of: "="),
                trimmed[..<eq].lowercased() == "boundary"
            else { continue }
            var value = trimmed[trimmed.index(after: eq)...]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = value.dropFirst().dropLast()
            }
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    static func parse(_ body: [UInt8], boundary: String) -> [MultipartPart] {
        let delimiter = Array("--\(boundary)".utf8)
        let separator = [13, 10] + delimiter
        guard var position = find(delimiter, in: body, from: 0) else { return [] }
        position += delimiter.count
        var parts: [MultipartPart] = []
        while position < body.count {
            // "--" after a delimiter closes the body.
            if position + 1 < body.count, body[position] == 45, body[position + 1] == 45 { break }
            while position < body.count, body[position] == 32 || body[position] == 9 { position += 1 }
            if position + 1 < body.count, body[position] == 13, body[position + 1] == 10 {
                position += 2
            } else if position < body.count, body[position] == 10 {
                position += 1
            }
            guard let end = find(separator, in: body, from: position) else { break }
            if let part = parsePart(body[position..<end]) { parts.append(part) }
            position = end + separator.count
        }
        return parts
    }

    private static func parsePart(_ bytes: ArraySlice<UInt8>) -> MultipartPart? {
        let headerEnd: Int
        let bodyStart: Int
        if bytes.starts(with: [13, 10]) {
            headerEnd = bytes.startIndex
            bodyStart = bytes.startIndex + 2
        } else if let end = find([13, 10, 13, 10], in: bytes, from: bytes.startIndex) {
            headerEnd = end
            bodyStart = end + 4
        } else {
            return nil
        }
        let headerText = String(decoding: bytes[bytes.startIndex..<headerEnd], as: UTF8.self)
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headerText.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            if field == "content-disposition" {
                for (key, parameter) in dispositionParameters(value) {
                    if key == "name" { name = parameter } else if key == "filename" { filename = parameter }
                }
            } else if field == "content-type" {
                contentType = String(value)
            }
        }
        guard let name else { return nil }
        return MultipartPart(name: name, filename: filename, contentType: contentType, body: bytes[bodyStart...])
    }

    /// `form-data; name="a"; filename="b.txt"` → [("name", "a"), ("filename", "b.txt")].
    static func dispositionParameters(_ value: Substring) -> [(String, String)] {
        var result: [(String, String)] = []
        var rest = value[...]
        // Skip the disposition type.
        guard let firstSemicolon = rest.firstIndex(of: ";") else { return [] }
        rest = rest[rest.index(after: firstSemicolon)...]
        while !rest.isEmpty {
            rest = rest.trimmingSpaces()
            guard let eq = rest.firstIndex(of: "=") else { break }
            let key = rest[..<eq].trimmingSpaces().lowercased()
            rest = rest[rest.index(after: eq)...].trimmingSpaces()
            var parameter = ""
            if rest.first == "\"" {
                parameter = readQuotedString(&rest)
                if let semicolon = rest.firstIndex(of: ";") {
                    rest = rest[rest.index(after: semicolon)...]
                } else {
                    rest = rest[rest.endIndex...]
                }
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                parameter = String(rest[..<end].trimmingSpaces())
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
            }
            result.append((key, parameter))
        }
        return result
    }

    /// The first index of `needle` in `haystack` at or after `start`.
    static func find<C: RandomAccessCollection>(_ needle: [UInt8], in haystack: C, from start: Int) -> Int?
    where C.Element == UInt8, C.Index == Int {
        guard let first = needle.first, !needle.isEmpty else { return nil }
        let last = haystack.endIndex - needle.count
        var index = start
        while index <= last {
            if haystack[index] == first {
                var matched = true
                var offset = 1
                while offset < needle.count {
                    if haystack[index + offset] != needle[offset] { matched = false; break }
                    offset += 1
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}

/// Reads an HTTP quoted-string (RFC 9110 §5.6.4) from `rest`, which starts at the
/// opening quote, undoing backslash escapes; leaves `rest` after the closing quote.
func readQuotedString(_ rest: inout Substring) -> String {
    rest = rest.dropFirst()
    var value = ""
    var escaped = false
    var index = rest.startIndex
    while index < rest.endIndex {
        let c = rest[index]
        if escaped {
            value.append(c)
            escaped = false
        } else if c == "\\" {
            escaped = true
        } else if c == "\"" {
            break
        } else {
            value.append(c)
        }
        index = rest.index(after: index)
    }
    rest = index < rest.endIndex ? rest[rest.index(after: index)...] : rest[rest.endIndex...]
    return value
}
