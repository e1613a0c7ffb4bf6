/// Substring search on UTF-8 bytes, for the hot paths (templates, redaction,
/// `contains`). With Foundation imported, `String.contains(String)` and
/// `replacingOccurrences` go through `NSString`'s locale-aware search, which a
/// 10,000-request run profile shows as several percent of its time. A match of a
/// valid UTF-8 needle in valid UTF-8 text always falls on character boundaries,
/// so byte equality is the same test as the literal (non-normalising) search.
extension String {
    /// Whether the text holds `{{`, the start of a template.
    @inline(__always)
    var hasTemplateMarker: Bool {
        var previous: UInt8 = 0
        for b in utf8 {
            if b == 0x7B && previous == 0x7B { return true }
            previous = b
        }
        return false
    }

    /// Whether `needle` occurs in the text (byte for byte; an empty needle always does).
    func containsText(_ needle: String) -> Bool {
        firstByteOffset(of: needle) != nil
    }

    /// The UTF-8 offset of the first occurrence of `needle`.
    func firstByteOffset(of needle: String, from start: Int = 0) -> Int? {
        var hay = self
        var pin = needle
        return hay.withUTF8 { h in
            pin.withUTF8 { n in Self.search(h, n, from: start) }
        }
    }

    /// Every occurrence of `needle` replaced by `replacement` (left to right, not overlapping).
    func replacingText(_ needle: String, with replacement: String) -> String {
        guard !needle.isEmpty else { return self }
        var hay = self
        var pin = needle
        return hay.withUTF8 { h in
            pin.withUTF8 { n in
                guard var found = Self.search(h, n, from: 0) else { return self }
                var out: [UInt8] = []
                out.reserveCapacity(h.count)
                var copied = 0
                let rep = Array(replacement.utf8)
                while true {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: h[copied..<found]))
                    out.append(contentsOf: rep)
                    copied = found + n.count
                    guard let next = Self.search(h, n, from: copied) else { break }
                    found = next
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: h[copied...]))
                return String(decoding: out, as: UTF8.self)
            }
        }
    }

    static func search(_ h: UnsafeBufferPointer<UInt8>, _ n: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        if n.isEmpty { return start <= h.count ? start : nil }
        guard h.count >= n.count, start <= h.count - n.count else { return nil }
        let first = n[0]
        var i = start
        let last = h.count - n.count
        while i <= last {
            if h[i] == first {
                var k = 1
                while k < n.count && h[i + k] == n[k] { k += 1 }
                if k == n.count { return i }
            }
            i += 1
        }
        return nil
    }
}

extension Substring {
    @inline(__always)
    var hasTemplateMarker: Bool { String(self).hasTemplateMarker }
}

extension String {
    /// `trimmingCharacters(in: .whitespaces)` without its `NSString` round trip
    /// when, as nearly always, there is nothing to trim: the text neither starts nor
    /// ends with a space, a tab or a non-ASCII byte (which might be a Unicode space).
    var trimmedOfSpaces: String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        func plain(_ b: UInt8) -> Bool { b > 0x20 && b < 0x80 }
        if plain(first) && plain(last) { return self }
        return slowTrimmed(self)
    }
}
