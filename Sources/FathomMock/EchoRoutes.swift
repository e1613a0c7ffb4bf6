import HTTPTypes
import Foundation
import FathomCore
import Hummingbird

/// What postman-echo tells about the request itself.
extension Request {
    /// Query parameters; a repeated key becomes an array.
    var argsObject: JSONObject {
        guard let query = head.path.flatMap({ path in path.firstIndex(of: "?").map { path[path.index(after: $0)...] } })
        else { return JSONObject() }
        let withoutFragment = query.firstIndex(of: "#").map { query[..<$0] } ?? query
        return FormCoding.object(withoutFragment)
    }

    /// Request headers with lower-case names, `host` first; repeated headers are joined.
    var headersObject: JSONObject {
        var object = JSONObject()
        if let authority = head.authority { object["host"] = .string(authority) }
        for field in headers {
            let name = field.name.canonicalName
            if case .string(let existing)? = object[name] {
                object[name] = .string(existing + (name == "cookie" ? "; " : ", ") + field.value)
            } else {
                object[name] = .string(field.value)
            }
        }
        return object
    }

    /// The full URL the client asked for; behind a proxy (or `fathom run --rewrite`),
    /// the one it named in `X-Forwarded-Proto` and `X-Forwarded-Host`, as postman-echo
    /// behind its load balancer reports it.
    var fullURL: String {
        let proto = headers[HTTPField.Name("X-Forwarded-Proto")!] ?? "http"
        let host = headers[HTTPField.Name("X-Forwarded-Host")!] ?? head.authority ?? "localhost"
        var target = head.path ?? "/"
        let query = target.firstIndex(of: "?").map { target[$0...] } ?? ""
        var path = target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
        while path.contains("//") { path = path.replacingOccurrences(of: "//", with: "/") }
        target = path + query
        return proto + "://" + host + target
    }

    /// The media type of the body, lower-cased, without parameters.
    var mediaType: Substring {
        guard let contentType = headers[.contentType] else { return "" }
        let type = contentType.firstIndex(of: ";").map { contentType[..<$0] } ?? contentType[...]
        return Substring(type.trimmingSpaces().lowercased())
    }
}

/// `/get`, `/post`, `/put`, `/patch`, `/delete`, `/anything`, `/headers`.
enum EchoRoutes {
    /// The request as text: `GET /path HTTP/1.1`, then the headers as received, a blank
    /// line and the body (the raw echo mode).
    static func raw(_ request: Request, body: [UInt8]) -> Response {
        var text = "\(request.method.rawValue) \(request.head.path ?? "/") HTTP/1.1\r\n"
        if let authority = request.head.authority { text += "Host: \(authority)\r\n" }
        for field in request.headers { text += "\(field.name.rawName): \(field.value)\r\n" }
        text += "\r\n" + String(decoding: body, as: UTF8.self)
        return Reply.text(text, contentType: "text/plain; charset=utf-8")
    }

    static func get(_ request: Request) -> Response {
        Reply.json([
            "args": .object(request.argsObject),
            "headers": .object(request.headersObject),
            "url": .string(request.fullURL),
        ])
    }

    static func headers(_ request: Request) -> Response {
        Reply.json(["headers": .object(request.headersObject)])
    }

    static func echo(_ request: Request, body: [UInt8], includeMethod: Bool) -> Response {
        let decoded = DecodedBody(request: request, body: body)
        var object: JSONObject = [
            "args": .object(request.argsObject),
            "data": decoded.data,
            "files": .object(decoded.files),
            "form": .object(decoded.form),
            "headers": .object(request.headersObject),
            "json": decoded.json,
        ]
        if includeMethod { object["method"] = .string(request.method.rawValue) }
        object["url"] = .string(request.fullURL)
        return Reply.json(.object(object))
    }
}

/// A request body as postman-echo reports it.
///
/// - JSON (`application/json`, `*+json`): `data` and `json` are the parsed value
///   (a body that does not parse is reported as text in `data`, `json` null).
/// - `application/x-www-form-urlencoded`: `form` holds the fields, `json` the same object, `data` is `""`.
/// - `multipart/form-data`: `form` holds the fields, `files` the files as data URLs.
/// - Anything else: `data` is the body as text (`""` when empty), `json` is null.
struct DecodedBody {
    var data: JSON = ""
    var json: JSON = .null
    var form = JSONObject()
    var files = JSONObject()

    init(request: Request, body: [UInt8]) {
        guard !body.isEmpty else { return }
        let type = request.mediaType
        if type == "application/json" || type.hasSuffix("+json") {
            if let parsed = try? JSONParser.parse(body) {
                data = parsed
                json = parsed
            } else {
                data = .string(String(decoding: body, as: UTF8.self))
            }
        } else if type == "application/x-www-form-urlencoded" {
            form = FormCoding.object(Substring(String(decoding: body, as: UTF8.self)))
            json = .object(form)
        } else if type == "multipart/form-data",
            let boundary = request.headers[.contentType].flatMap(Multipart.boundary(fromContentType:))
        {
            for part in Multipart.parse(body, boundary: boundary) {
                if let filename = part.filename {
                    let url = "data:application/octet-stream;base64," + Data(part.body).base64EncodedString()
                    FormCoding.append(.string(url), for: filename.isEmpty ? part.name : filename, to: &files)
                } else {
                    FormCoding.append(.string(String(decoding: part.body, as: UTF8.self)), for: part.name, to: &form)
                }
            }
        } else {
            data = .string(String(decoding: body, as: UTF8.self))
        }
    }
}
