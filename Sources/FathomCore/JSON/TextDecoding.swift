import Foundation

/// Turns a file's bytes into UTF-8 text the JSON parser reads, the way editors
/// and Postman's exports leave files: a UTF-8 byte-order mark is dropped, and
/// UTF-16 (little or big endian, with a byte-order mark or recognisable by the
/// zero bytes of ASCII text) is converted.
public enum TextDecoding {
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8"
        case utf8BOM = "UTF-8 with a byte-order mark"
        case utf16LE = "UTF-16LE"
        case utf16BE = "UTF-16BE"
    }

    /// The UTF-8 bytes of `data`, and the encoding it was read as. UTF-16 that does
    /// not convert (an unpaired surrogate) yields nil.
    public static func utf8(_ data: Data) -> (bytes: [UInt8], encoding: Encoding)? {
        utf8([UInt8](data))
    }

    /// The UTF-8 bytes of a file's bytes, and the encoding they were read as.
    public static func utf8(_ b: [UInt8]) -> (bytes: [UInt8], encoding: Encoding)? {
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return (Array(b[3...]), .utf8BOM) }
        if b.count >= 2, b[0] == 0xFF, b[1] == 0xFE { return convert(b[2...], .utf16LE) }
        if b.count >= 2, b[0] == 0xFE, b[1] == 0xFF { return convert(b[2...], .utf16BE) }
        // JSON starts with ASCII: UTF-16 without a BOM shows a zero byte beside it.
        if b.count >= 4, b.count % 2 == 0 {
            if b[0] != 0, b[1] == 0, b[3] == 0 { return convert(b[...], .utf16LE) }
            if b[0] == 0, b[1] != 0, b[2] == 0 { return convert(b[...], .utf16BE) }
        }
        return (b, .utf8)
    }

    private static func convert(_ bytes: ArraySlice<UInt8>, _ encoding: Encoding) -> (bytes: [UInt8], encoding: Encoding)? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let a = UInt16(bytes[i]), b = UInt16(bytes[i + 1])
            units.append(encoding == .utf16LE ? a | b << 8 : a << 8 | b)
            i += 2
        }
        var out: [UInt8] = []
        out.reserveCapacity(units.count)
        var failed = false
        transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: true) { out.append($0) }
            ? (failed = true) : ()
        if failed { return nil }
        if out.starts(with: [0xEF, 0xBB, 0xBF]) { out.removeFirst(3) }
        return (out, encoding)
    }
}
