import FathomCrypto
import Foundation
import FathomCore
import Hummingbird

/// `/basic-auth`, `/digest-auth` and `/bearer`.
enum AuthRoutes {
    static let user = "postman"
    static let password = "password"
    static let digestRealm = "Users"
    static let digestOpaque = "fathom-mock-opaque"

    // MARK: Basic

    static func basic(_ request: Request) -> Response {
        if let credentials = request.headers[.authorization].flatMap({ schemeValue($0, scheme: "basic") }),
            let decoded = Data(base64Encoded: String(credentials)),
            String(decoding: decoded, as: UTF8.self) == "\(user):\(password)"
        {
            return Reply.json(["authenticated": true])
        }
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = "Basic realm=\"\(digestRealm)\""
        return Reply.text("Unauthorized", contentType: "text/plain; charset=utf-8", status: .unauthorized, headers: headers)
    }

    // MARK: Digest (RFC 7616, MD5 and MD5-sess, qop=auth or none)

    static func digest(_ request: Request) -> Response {
        if let value = request.headers[.authorization].flatMap({ schemeValue($0, scheme: "digest") }),
            verifyDigest(parameters: digestParameters(value), method: request.method.rawValue)
        {
            return Reply.json(["authenticated": true])
        }
        var headers = HTTPFields()
        headers[.wwwAuthenticate] =
            "Digest realm=\"\(digestRealm)\", nonce=\"\(makeNonce())\", qop=\"auth\", algorithm=MD5, opaque=\"\(digestOpaque)\""
        return Reply.text("Unauthorized", contentType: "text/plain; charset=utf-8", status: .unauthorized, headers: headers)
    }

    static func verifyDigest(parameters p: [String: String], method: String) -> Bool {
        guard p["username"] == user, p["realm"] == digestRealm,
            let nonce = p["nonce"], let uri = p["uri"], let response = p["response"]?.lowercased()
        else { return false }
        let algorithm = (p["algorithm"] ?? "MD5").uppercased()
        var ha1 = MD5.hex("\(user):\(digestRealm):\(password)")
        switch algorithm {
        case "MD5": break
        case "MD5-SESS":
            guard let cnonce = p["cnonce"] else { return false }
            ha1 = MD5.hex("\(ha1):\(nonce):\(cnonce)")
        default: return false
        }
        let ha2 = MD5.hex("\(method):\(uri)")
        let expected: String
        if let qop = p["qop"] {
            guard qop == "auth", let nc = p["nc"], let cnonce = p["cnonce"] else { return false }
            expected = MD5.hex("\(ha1):\(nonce):\(nc):\(cnonce):\(qop):\(ha2)")
        } else {
            expected = MD5.hex("\(ha1):\(nonce):\(ha2)")
        }
        return expected == response
    }

    /// `username="a", realm="b", nc=00000001` → ["username": "a", "realm": "b", "nc": "00000001"].
    static func digestParameters(_ value: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var rest = value
        while true {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" || $0 == "," })
            guard let eq = rest.firstIndex(of: "=") else { break }
            let key = rest[..<eq].trimmingSpaces().lowercased()
            rest = rest[rest.index(after: eq)...].trimmingSpaces()
            if rest.first == "\"" {
                result[key] = readQuotedString(&rest)
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                result[key] = String(rest[..<end].trimmingSpaces())
                rest = rest[end...]
            }
        }
        return result
    }

    private static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return hexEncode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    // MARK: Bearer

    static func bearer(_ request: Request, token: String) -> Response {
        if let presented = request.headers[.authorization].flatMap({ schemeValue($0, scheme: "bearer") }),
            presented.trimmingSpaces() == token[...]
        {
            return Reply.json(["authenticated": true, "token": .string(token)])
        }
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = "Bearer realm=\"\(digestRealm)\""
        let message =
            request.headers[.authorization] == nil
            ? "missing Authorization: Bearer header" : "invalid bearer token"
        return Reply.json(
            ["authenticated": false, "error": "unauthorized", "message": .string(message)],
            status: .unauthorized, headers: headers
        )
    }

    // MARK: OAuth 2.0 (postman-echo's demo authorization-code exchange)

    static let oauth2Code = "xWnkliVQJURqB2x1"
    static let oauth2ClientID = "abc123"
    static let oauth2ClientSecret = "ssh-secret"
    static let oauth2AccessToken = "vp7jxTwqgczoFHs0uIdOvv4VdBWmvCkbVbNBCuaTQ3JZplPS40BaNV47HD1zt7MztQPILJvqYsOs6PfJpFYBgwbaE3CVEKOj"

    /// `POST /oauth2/token`: the demo code and client credentials (form fields) get the demo token.
    static func oauth2Token(_ request: Request, body: [UInt8]) -> Response {
        var form: [String: String] = [:]
        if request.mediaType == "application/x-www-form-urlencoded" {
            for (k, v) in FormCoding.pairs(Substring(decoding: body, as: UTF8.self)[...]) { form[k] = v }
        } else if request.mediaType == "multipart/form-data", let boundary = request.headers[.contentType].flatMap(Multipart.boundary(fromContentType:)) {
            for part in Multipart.parse(body, boundary: boundary) { form[part.name] = String(decoding: part.body, as: UTF8.self) }
        }
        guard form["grant_type"] == "authorization_code", form["code"] == oauth2Code,
            form["client_id"] == oauth2ClientID, form["client_secret"] == oauth2ClientSecret
        else {
            return Reply.json(["error": "invalid_grant", "error_description": "unknown code or client credentials"], status: .badRequest)
        }
        return Reply.json(["access_token": .string(oauth2AccessToken), "token_type": "Bearer"])
    }

    /// `GET /oauth2/user/info`: the demo token's user.
    static func oauth2UserInfo(_ request: Request) -> Response {
        guard let presented = request.headers[.authorization].flatMap({ schemeValue($0, scheme: "bearer") }), presented == oauth2AccessToken[...] else {
            return Reply.json(["error": "invalid_token"], status: .unauthorized)
        }
        return Reply.json(["user_id": 1, "name": "Postman User"])
    }

    // MARK: Helpers

    /// The credentials after a case-insensitive auth scheme, e.g. `Basic xyz` → `xyz`.
    static func schemeValue(_ header: String, scheme: String) -> Substring? {
        let trimmed = Substring(header).trimmingSpaces()
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }),
            trimmed[..<space].lowercased() == scheme
        else { return nil }
        return trimmed[trimmed.index(after: space)...].trimmingSpaces()
    }
}

/// MD5 for HTTP Digest authentication (RFC 7616 `algorithm=MD5`), on libcrypto.
enum MD5 {
    static func hex(_ text: String) -> String { LibCrypto().hexHash(.md5, text) }
}
