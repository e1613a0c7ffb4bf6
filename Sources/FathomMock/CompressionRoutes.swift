import FathomCore
import Hummingbird

/// `/gzip` and `/deflate`: JSON bodies sent with a `Content-Encoding`.
enum CompressionRoutes {
    static func gzip(_ request: Request) -> Response {
        encoded(request, flag: "gzipped", encoding: "gzip", encode: Compression.gzip)
    }

    static func deflate(_ request: Request) -> Response {
        encoded(request, flag: "deflated", encoding: "deflate", encode: Compression.zlib)
    }

    private static func encoded(
        _ request: Request, flag: String, encoding: String, encode: ([UInt8]) -> [UInt8]?
    ) -> Response {
        let body: JSON = [
            flag: true,
            "headers": .object(request.headersObject),
            "method": .string(request.method.rawValue),
        ]
        var headers = HTTPFields()
        headers[.contentEncoding] = encoding
        headers[.vary] = "Accept-Encoding"
        guard let compressed = encode(Array(body.serialized().utf8)) else {
            return Reply.json(["error": "compression failed"], status: .internalServerError)
        }
        return Reply.bytes(compressed, contentType: Reply.jsonContentType, headers: headers)
    }
}
