import MultipartKit

/// One part of a `multipart/form-data` body.
struct MultipartPart {
    var name: String
    var filename: String?
    var contentType: String?
    var body: ArraySlice<UInt8>
}

/// `multipart/form-data` (RFC 7578) bodies, read with vapor/multipart-kit.
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

    /// The parts of a body, parsed by multipart-kit's streaming `MultipartParser`;
    /// parts without a `name` are left out, and a malformed body yields the parts
    /// read before the fault.
    static func parse(_ body: [UInt8], boundary: String) -> [MultipartPart] {
        let parser = MultipartParser(boundary: boundary)
        var parts: [MultipartPart] = []
        var headers: [(String, String)] = []
        var bytes: [UInt8] = []
        parser.onHeader = { field, value in headers.append((field.lowercased(), value)) }
        parser.onBody = { buffer in bytes += buffer.readableBytesView }
        parser.onPartComplete = {
            if let part = makePart(headers: headers, body: bytes) { parts.append(part) }
            headers = []
            bytes = []
        }
        try? parser.execute(body)
        return parts
    }

    private static func makePart(headers: [(String, String)], body: [UInt8]) -> MultipartPart? {
        var name: String?
        var filename: String?
        var contentType: String?
        for (field, value) in headers {
            if field == "content-disposition" {
                for (key, parameter) in dispositionParameters(value[...].trimmingSpaces()) {
                    if key == "name" { name = parameter } else if key == "filename" { filename = parameter }
                }
            } else if field == "content-type" {
                contentType = value
            }
        }
        guard let name else { return nil }
        return MultipartPart(name: name, filename: filename, contentType: contentType, body: body[...])
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
