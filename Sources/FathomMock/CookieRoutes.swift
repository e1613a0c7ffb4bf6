import FathomCore
import HTTPTypes
import Hummingbird

/// `/cookies`, `/cookies/set?name=value…`, `/cookies/delete?name…`.
enum CookieRoutes {
    static func list(_ request: Request) -> Response {
        Reply.json(["cookies": .object(cookies(of: request))])
    }

    /// Sets each query parameter as a cookie, then redirects to `/cookies`.
    static func set(_ request: Request) -> Response {
        var headers = HTTPFields()
        for (name, value) in queryPairs(request) where isToken(name) {
            headers.append(HTTPField(name: .setCookie, value: "\(name)=\(cookieValue(value)); Path=/"))
        }
        return Reply.redirect(to: "/cookies", headers: headers)
    }

    /// Expires each named cookie, then redirects to `/cookies`.
    static func delete(_ request: Request) -> Response {
        var headers = HTTPFields()
        for (name, _) in queryPairs(request) where isToken(name) {
            headers.append(
                HTTPField(name: .setCookie, value: "\(name)=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/")
            )
        }
        return Reply.redirect(to: "/cookies", headers: headers)
    }

    /// The request's cookies, in order; a repeated name keeps its last value.
    static func cookies(of request: Request) -> JSONObject {
        var object = JSONObject()
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingSpaces()
                guard !trimmed.isEmpty else { continue }
                if let eq = trimmed.firstIndex(of: "=") {
                    var value = trimmed[trimmed.index(after: eq)...].trimmingSpaces()
                    if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
                    object[String(trimmed[..<eq].trimmingSpaces())] = .string(String(value))
                } else {
                    object[String(trimmed)] = ""
                }
            }
        }
        return object
    }

    private static func queryPairs(_ request: Request) -> [(String, String)] {
        guard let query = request.uri.query else { return [] }
        return FormCoding.pairs(Substring(query))
    }

    /// RFC 6265 cookie-name: an HTTP token.
    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { c in
                c > 32 && c < 127 && !"()<>@,;:\\\"/[]?={}".utf8.contains(c)
            }
    }

    /// Cookie values may not hold `;`, `,`, whitespace, quotes or controls: percent-encode those.
    private static func cookieValue(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if byte > 32, byte < 127, byte != UInt8(ascii: ";"), byte != UInt8(ascii: ","),
                byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\")
            {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + hexEncode([byte]).uppercased()
            }
        }
        return out
    }
}
