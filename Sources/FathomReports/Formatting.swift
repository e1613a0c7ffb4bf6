import FathomCore
import Foundation

/// Number, size and time formatting shared by the reporters (locale-independent).
enum Format {
    /// `312 B`, `4.2 KB`, `1.5 MB`.
    static func bytes(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        if n < 1024 * 1024 { return fixed(Double(n) / 1024, 1) + " KB" }
        return fixed(Double(n) / (1024 * 1024), 1) + " MB"
    }

    /// `0.4 ms`, `412.0 ms`, `1.25 s`.
    static func duration(ms: Double) -> String {
        if ms < 1000 { return fixed(max(ms, 0), 1) + " ms" }
        return fixed(ms / 1000, 2) + " s"
    }

    /// Seconds with three decimals for JUnit (`0.004`); matches the XSD's SUREFIRE_TIME.
    static func seconds(ms: Double) -> String {
        fixed(max(ms, 0) / 1000, 3)
    }

    /// Fixed-point text without locale or exponent.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded()
        guard rounded.magnitude < 9e15 else { return String(format: "%.\(decimals)f", value) }
        let whole = Int64(rounded)
        let negative = whole < 0
        let digits = String(whole.magnitude)
        if decimals == 0 { return (negative ? "-" : "") + digits }
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let cut = padded.index(padded.endIndex, offsetBy: -decimals)
        return (negative ? "-" : "") + padded[..<cut] + "." + padded[cut...]
    }

    /// ISO 8601 in UTC, e.g. `2025-01-31T12:00:00Z`.
    static func iso8601(secondsSince1970 t: Double) -> String {
        Date(timeIntervalSince1970: t).formatted(.iso8601)
    }

    /// ISO 8601 in UTC with milliseconds, e.g. `2025-01-31T12:00:00.004Z`.
    static func iso8601Millis(secondsSince1970 t: Double) -> String {
        // Integer milliseconds, so binary fractions do not truncate 0.004 to 0.003.
        CivilDate.iso8601(millisecondsSince1970: Int64((t * 1000).rounded()))
    }

    /// Milliseconds rounded to microseconds, for JSON.
    static func msValue(_ ms: Double) -> JSON {
        .double((ms * 1000).rounded() / 1000)
    }

    /// `200 OK`, `404 Not Found`, `299` for codes without a well-known phrase.
    static func status(_ code: Int) -> String {
        if let phrase = reasonPhrases[code] { return "\(code) \(phrase)" }
        return "\(code)"
    }

    static let reasonPhrases: [Int: String] = [
        100: "Continue", 101: "Switching Protocols",
        200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content",
        205: "Reset Content", 206: "Partial Content",
        300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
        307: "Temporary Redirect", 308: "Permanent Redirect",
        400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required",
        408: "Request Timeout", 409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed",
        413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable",
        417: "Expectation Failed", 418: "I'm a teapot", 421: "Misdirected Request", 422: "Unprocessable Content",
        423: "Locked", 424: "Failed Dependency", 425: "Too Early", 426: "Upgrade Required",
        428: "Precondition Required", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
        451: "Unavailable For Legal Reasons",
        500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
        504: "Gateway Timeout", 505: "HTTP Version Not Supported", 507: "Insufficient Storage",
        511: "Network Authentication Required",
    ]

    /// The first `limit` UTF-8 bytes of `text`, cut on a character boundary.
    static func truncated(_ text: String, limit: Int) -> (text: String, truncated: Bool) {
        guard text.utf8.count > limit else { return (text, false) }
        var count = 0
        var end = text.startIndex
        while end < text.endIndex {
            let size = text[end].utf8.count
            if count + size > limit { break }
            count += size
            end = text.index(after: end)
        }
        return (String(text[..<end]), true)
    }
}

/// Failures worth listing, per request, shared by the console and JUnit reporters.
extension RequestResult {
    /// Assertions to show: every explicit one, and implicit checks only when they failed.
    var reportedAssertions: [AssertionResult] {
        assertions.filter { !$0.isImplicit || !$0.passed }
    }
}
