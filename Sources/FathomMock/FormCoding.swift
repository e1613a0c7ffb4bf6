import FathomCore

/// `application/x-www-form-urlencoded` and query-string decoding, as postman-echo does it:
/// `+` is a space, `%XX` is a byte, repeated keys collect into an array.
enum FormCoding {
    /// The decoded `key=value` pairs of a query string or form body, in order.
    static func pairs(_ text: Substring) -> [(String, String)] {
        var result: [(String, String)] = []
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = piece.firstIndex(of: "=") {
                result.append((decode(piece[..<eq]), decode(piece[piece.index(after: eq)...])))
            } else {
                result.append((decode(piece), ""))
            }
        }
        return result
    }

    /// Pairs folded into an ordered object; a repeated key becomes an array of its values.
    static func object(_ pairs: [(String, String)]) -> JSONObject {
        var object = JSONObject()
        for (key, value) in pairs {
            append(.string(value), for: key, to: &object)
        }
        return object
    }

    static func object(_ text: Substring) -> JSONObject { object(pairs(text)) }

    /// Adds a value, turning a repeated key into an array.
    static func append(_ value: JSON, for key: String, to object: inout JSONObject) {
        switch object[key] {
        case nil: object[key] = value
        case .array(var values)?:
            values.append(value)
            object[key] = .array(values)
        case let existing?: object[key] = .array([existing, value])
        }
    }

    /// Percent-decodes (and turns `+` into a space); malformed escapes are kept as they are.
    static func decode(_ text: Substring) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                let h = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), h != utf8.endIndex,
                let l = utf8.index(h, offsetBy: 1, limitedBy: utf8.endIndex), l != utf8.endIndex,
                let high = hexValue(utf8[h]), let low = hexValue(utf8[l])
            {
                bytes.append(high << 4 | low)
                index = l
            } else {
                bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
