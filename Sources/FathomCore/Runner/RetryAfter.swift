import Foundation

/// RFC 9110 §10.2.3 `Retry-After`: a number of seconds, or an HTTP date.
public enum RetryAfter {
    /// How long the header asks to wait, in milliseconds (0 for a date in the past),
    /// or nil when it is neither form. `now` is seconds since 1970.
    public static func delayMs(_ value: String, now: Double) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // Digits only; a huge value is simply long (and over any bound).
            return (Double(text) ?? .infinity) * 1000
        }
        guard let date = CivilDate.parseHTTPDate(text) else { return nil }
        return max(0, (Double(date) - now) * 1000)
    }

    /// `2 s`, `1.5 s`, `250 ms`, `2 min`: for messages.
    public static func describe(ms: Double) -> String {
        if !ms.isFinite { return "forever" }
        if ms < 1000 { return "\(Int(ms.rounded())) ms" }
        let seconds = ms / 1000
        if seconds >= 120 { return "\(Int((seconds / 60).rounded())) min" }
        let tenths = (seconds * 10).rounded() / 10
        return tenths == tenths.rounded() ? "\(Int(tenths)) s" : "\(tenths) s"
    }
}
