import CLibXML2

/// One-time libxml2 set-up, shared by the writer and the XPath evaluator.
enum LibXML2 {
    /// `xmlInitParser` is not safe to race; Swift runs a static's initialiser exactly once.
    private static let initialized: Bool = {
        xmlInitParser()
        fathom_xml_silence_errors()
        return true
    }()

    /// Call before using libxml2 on the current thread: initialises the library once and
    /// installs the silent error handlers on this thread (libxml2 keeps them per thread),
    /// so nothing is ever printed to stderr.
    static func prepare() {
        _ = initialized
        fathom_xml_silence_errors()
    }

    /// Runs `body` with `string` as a NUL-terminated `xmlChar` buffer.
    static func withXMLChars<R, E: Error>(
        _ string: String, _ body: (UnsafePointer<xmlChar>) throws(E) -> R
    ) throws(E) -> R {
        // withCString hands out a native string's own NUL-terminated bytes: no copy.
        let result: Result<R, E> = string.withCString { chars in
            chars.withMemoryRebound(to: xmlChar.self, capacity: 1) { x in Result { () throws(E) -> R in try body(x) } }
        }
        return try result.get()
    }

    /// Copies an `xmlChar*` into a String (nil pointer → nil); does not free it.
    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// The message of libxml2's last error on this thread, trimmed.
    static func lastErrorMessage() -> String? {
        guard let error = xmlGetLastError(), let message = error.pointee.message else { return nil }
        let text = String(cString: message).trimmingWhitespace()
        return text.isEmpty ? nil : text
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

/// Making arbitrary text safe for XML 1.0.
public enum XMLText {
    /// Whether a scalar is allowed in XML 1.0 documents (the `Char` production).
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Replaces every scalar XML 1.0 forbids (control characters other than tab,
    /// newline and carriage return; U+FFFE, U+FFFF) with a visible `\uXXXX` escape,
    /// so the document stays well-formed and the reader still sees what was there.
    public static func sanitize(_ text: String) -> String {
        // Fast path: printable ASCII, tabs and line breaks are all allowed.
        var plain = true
        for b in text.utf8 where b < 0x20 ? (b != 0x09 && b != 0x0A && b != 0x0D) : b >= 0x80 {
            plain = false
            break
        }
        if plain { return text }
        guard text.unicodeScalars.contains(where: { !isAllowed($0) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isAllowed(scalar) {
                out.append(scalar)
            } else {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                out.append(contentsOf: "\\u\(padded)".unicodeScalars)
            }
        }
        return String(out)
    }
}
