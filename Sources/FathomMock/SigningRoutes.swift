import FathomCore
import FathomCrypto
import Foundation
import Hummingbird

/// `/oauth1` and `/auth/hawk`: postman-echo's signature checks, with its published
/// demo credentials, verified independently of Fathom's own signing code (the
/// parameters are re-read from the request as it arrived).
enum SigningRoutes {
    static let oauthConsumerKey = "RKCGzna7bv9YD57c"
    static let oauthConsumerSecret = "D+EdQ-gs$-%@2Nu7"
    static let hawkID = "dh37fgj492je"
    static let hawkKey = "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"

    // MARK: OAuth 1.0a (RFC 5849 §3.4.1)

    static func oauth1(_ request: Request, body: [UInt8]) -> Response {
        var params: [(String, String)] = []
        var oauth: [String: String] = [:]
        if let header = request.headers[.authorization], let value = AuthRoutes.schemeValue(header, scheme: "oauth") {
            for (k, v) in AuthRoutes.digestParameters(value) where k != "realm" {
                let key = FormCoding.decode(Substring(k)), val = FormCoding.decode(Substring(v))
                oauth[key] = val
                params.append((key, val))
            }
        }
        let query = request.head.path.flatMap { p in p.firstIndex(of: "?").map { p[p.index(after: $0)...] } } ?? ""
        let form = request.mediaType == "application/x-www-form-urlencoded" ? FormCoding.pairs(Substring(decoding: body, as: UTF8.self)[...]) : []
        for (k, v) in FormCoding.pairs(query) + form {
            params.append((k, v))
            if k.hasPrefix("oauth_") { oauth[k] = v }
        }
        guard let signature = oauth["oauth_signature"], let method = oauth["oauth_signature_method"] else {
            return Reply.json(["status": "fail", "message": "no OAuth 1.0a parameters (oauth_signature, oauth_signature_method) in the request"], status: .unauthorized)
        }
        guard oauth["oauth_consumer_key"] == oauthConsumerKey else {
            return Reply.json(["status": "fail", "message": .string("unknown consumer key; the demo key is \(oauthConsumerKey)")], status: .unauthorized)
        }
        params.removeAll { $0.0 == "oauth_signature" }
        params.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        let normalized = params.map { rfc3986($0.0) + "=" + rfc3986($0.1) }.joined(separator: "&")
        let path = request.uri.path
        let baseURI = "http://" + (request.head.authority ?? "localhost").lowercased() + path
        let baseString = request.method.rawValue.uppercased() + "&" + rfc3986(baseURI) + "&" + rfc3986(normalized)
        let key = rfc3986(oauthConsumerSecret) + "&"
        let expected: String
        switch method.uppercased() {
        case "HMAC-SHA1": expected = Data(LibCrypto().hmac(.sha1, key: Array(key.utf8), data: Array(baseString.utf8))).base64EncodedString()
        case "HMAC-SHA256": expected = Data(LibCrypto().hmac(.sha256, key: Array(key.utf8), data: Array(baseString.utf8))).base64EncodedString()
        case "HMAC-SHA512": expected = Data(LibCrypto().hmac(.sha512, key: Array(key.utf8), data: Array(baseString.utf8))).base64EncodedString()
        case "PLAINTEXT": expected = key
        default: return Reply.json(["status": "fail", "message": .string("unsupported signature method \(method)")], status: .unauthorized)
        }
        if expected == signature {
            return Reply.json(["status": "pass", "message": "OAuth-1.0a signature verification was successful"])
        }
        return Reply.json([
            "status": "fail", "message": "HMAC signature does not match", "base_uri": .string(baseURI),
            "normalized_param_string": .string(normalized), "base_string": .string(baseString),
        ], status: .unauthorized)
    }

    /// RFC 3986 unreserved characters stay; the rest is %XX.
    static func rfc3986(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E: out.unicodeScalars.append(Unicode.Scalar(b))
            default: out += "%" + String(format: "%02X", b)
            }
        }
        return out
    }

    // MARK: Hawk

    static func hawk(_ request: Request, body: [UInt8]) -> Response {
        guard let header = request.headers[.authorization], let value = AuthRoutes.schemeValue(header, scheme: "hawk") else {
            return Reply.json(["statusCode": 401, "error": "Unauthorized", "message": "Missing Hawk Authorization header"], status: .unauthorized)
        }
        let p = AuthRoutes.digestParameters(value)
        guard p["id"] == hawkID, let ts = p["ts"], let nonce = p["nonce"], let mac = p["mac"] else {
            return Reply.json(["statusCode": 401, "error": "Unauthorized", "message": "Unknown credentials or missing attributes"], status: .unauthorized)
        }
        let authority = request.head.authority ?? "localhost"
        let colon = authority.lastIndex(of: ":")
        let host = colon.map { String(authority[..<$0]) } ?? authority
        let port = colon.map { String(authority[authority.index(after: $0)...]) } ?? "80"
        var normalized = "hawk.1.header\n\(ts)\n\(nonce)\n\(request.method.rawValue.uppercased())\n\(request.head.path ?? "/")\n\(host.lowercased())\n\(port)\n\(p["hash"] ?? "")\n\(p["ext"] ?? "")\n"
        if let app = p["app"] { normalized += "\(app)\n\(p["dlg"] ?? "")\n" }
        let expected = Data(LibCrypto().hmac(.sha256, key: Array(hawkKey.utf8), data: Array(normalized.utf8))).base64EncodedString()
        guard expected == mac else {
            return Reply.json(["statusCode": 401, "error": "Unauthorized", "message": "Bad mac"], status: .unauthorized)
        }
        if let hash = p["hash"] {
            let payload = Array("hawk.1.payload\n\(request.mediaType)\n".utf8) + body + Array("\n".utf8)
            guard Data(LibCrypto().hash(.sha256, payload)).base64EncodedString() == hash else {
                return Reply.json(["statusCode": 401, "error": "Unauthorized", "message": "Bad payload hash"], status: .unauthorized)
            }
        }
        return Reply.json(["message": "Hawk Authentication Successful"])
    }

    // MARK: Streams and content types

    /// `/stream/N`: N JSON objects, one per line (`N` at most 100).
    static func stream(_ n: Substring, request: Request) -> Response {
        guard let count = Int(n), count >= 0 else { return Reply.badRequest("/stream/N takes a number of lines") }
        var text = ""
        for i in 0..<min(count, 100) {
            text += JSON.object(["id": .integer(Int64(i)), "url": .string(request.fullURL), "args": .object(request.argsObject)]).serialized() + "\n"
        }
        return Reply.text(text, contentType: "application/json")
    }

    /// `/type/html`, `/type/xml`, `/type/json`: a small document of that type.
    static func type(_ t: Substring) -> Response {
        switch t {
        case "html": return Reply.text("<!DOCTYPE html><html><head><title>fathom mock</title></head><body><p>ok</p></body></html>", contentType: "text/html; charset=utf-8")
        case "xml": return Reply.text("<?xml version=\"1.0\" encoding=\"utf-8\"?><result><status>ok</status></result>", contentType: "application/xml; charset=utf-8")
        case "json": return Reply.json(["status": "ok"])
        default: return Reply.notFound(path: "/type/" + t)
        }
    }
}
