import FathomCore
import Hummingbird
import NIOCore

/// Response builders shared by the routes. Header order is fixed per route.
enum Reply {
    static let jsonContentType = "application/json; charset=utf-8"

    static func json(_ value: JSON, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        bytes(Array(value.serialized().utf8), contentType: jsonContentType, status: status, headers: headers)
    }

    static func text(
        _ text: String, contentType: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) -> Response {
        bytes(Array(text.utf8), contentType: contentType, status: status, headers: headers)
    }

    static func bytes(
        _ bytes: [UInt8], contentType: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) -> Response {
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count + 2)
        fields[.contentType] = contentType
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func empty(status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        Response(status: status, headers: headers, body: ResponseBody())
    }

    static func redirect(to location: String, status: HTTPResponse.Status = .found, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = location
        return text("Found. Redirecting to \(location)", contentType: "text/plain; charset=utf-8", status: status, headers: fields)
    }

    static func notFound(path: Substring) -> Response {
        json(["error": "not found", "path": .string(String(path))], status: .notFound)
    }

    static func badRequest(_ message: String) -> Response {
        json(["error": "bad request", "message": .string(message)], status: .badRequest)
    }

    static func methodNotAllowed(_ method: HTTPRequest.Method, path: Substring, allow: String) -> Response {
        var headers = HTTPFields()
        headers[.allow] = allow
        return json(
            ["error": "method not allowed", "method": .string(method.rawValue), "path": .string(String(path))],
            status: .methodNotAllowed, headers: headers
        )
    }

    static func tooLarge(limit: Int) -> Response {
        var headers = HTTPFields()
        headers[.connection] = "close"
        return json(
            ["error": "payload too large", "limit": .integer(Int64(limit))],
            status: .contentTooLarge, headers: headers
        )
    }
}
