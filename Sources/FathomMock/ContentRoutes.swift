import Foundation
import FathomCore
import HTTPTypes
import Hummingbird
import NIOCore

/// `/status/{code}`, `/delay/{s}`, `/bytes/{n}`, `/response-headers`, `/ip`, `/time/now`,
/// `/encoding/utf8` and `/xml`.
enum ContentRoutes {
    static let maxDelaySeconds = 10.0
    static let maxBytes = 100 * 1024 * 1024

    static func status(_ parameter: Substring) -> Response {
        guard let code = Int(parameter), (200...599).contains(code) else {
            return Reply.badRequest("status code must be an integer from 200 to 599")
        }
        let status = HTTPResponse.Status(code: code)
        if code == 204 || code == 304 { return Reply.empty(status: status) }
        return Reply.json(["status": .integer(Int64(code))], status: status)
    }

    static func delay(_ parameter: Substring) async -> Response {
        guard let seconds = Double(parameter), seconds >= 0, seconds.isFinite else {
            return Reply.badRequest("delay must be a non-negative number of seconds")
        }
        let capped = min(seconds, maxDelaySeconds)
        try? await Task.sleep(for: .milliseconds(Int64(capped * 1000)))
        return Reply.json(["delay": .string(capped < seconds ? "10" : String(parameter))])
    }

    /// `n` deterministic pseudo-random bytes (SplitMix64; `?seed=` picks another stream).
    static func bytes(_ parameter: Substring, request: Request) -> Response {
        guard let count = Int(parameter), count >= 0, count <= maxBytes else {
            return Reply.badRequest("byte count must be an integer from 0 to \(maxBytes)")
        }
        var seed: UInt64 = 0x5eed
        if let query = request.uri.query,
            let value = FormCoding.pairs(Substring(query)).first(where: { $0.0 == "seed" })?.1,
            let parsed = UInt64(value)
        {
            seed = parsed
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        let chunkSize = 64 * 1024
        let seed0 = seed
        if count <= chunkSize {
            var generator = SplitMix64(seed: seed)
            var buffer = ByteBuffer()
            generator.fill(&buffer, count: count)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
        }
        let body = ResponseBody(contentLength: count) { writer in
            var generator = SplitMix64(seed: seed0)
            var remaining = count
            while remaining > 0 {
                let n = min(chunkSize, remaining)
                var buffer = ByteBuffer()
                generator.fill(&buffer, count: n)
                try await writer.write(buffer)
                remaining -= n
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// Sets each query parameter as a response header and echoes them as JSON.
    static func responseHeaders(_ request: Request) -> Response {
        let pairs = request.uri.query.map { FormCoding.pairs(Substring($0)) } ?? []
        var headers = HTTPFields()
        for (name, value) in pairs {
            guard let fieldName = HTTPField.Name(name), HTTPField.isValidValue(value) else { continue }
            // Framing headers stay under the server's control.
            if fieldName == .contentLength || fieldName == .transferEncoding || fieldName == .contentType { continue }
            headers.append(HTTPField(name: fieldName, value: value))
        }
        return Reply.json(.object(FormCoding.object(pairs)), headers: headers)
    }

    static func ip(_ channel: any Channel) -> Response {
        Reply.json(["ip": .string(channel.remoteAddress?.ipAddress ?? "")])
    }

    static func timeNow() -> Response {
        Reply.text(CivilDate.httpDate(secondsSince1970: Int64(Date().timeIntervalSince1970.rounded(.down))), contentType: "text/html; charset=utf-8")
    }

    static func utf8Page() -> Response {
        Reply.text(utf8HTML, contentType: "text/html; charset=utf-8")
    }

    static func xml() -> Response {
        Reply.text(slideshowXML, contentType: "application/xml")
    }

    static let utf8HTML = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>UTF-8 encoded sample</title></head>
        <body>
        <h1>Unicode Demo</h1>
        <p>Mathematics: ∮ E⋅da = Q,  n → ∞, ∑ f(i) = ∏ g(i), ∀x∈ℝ: ⌈x⌉ = −⌊−x⌋</p>
        <p>Greek: Σὲ γνωρίζω ἀπὸ τὴν κόψη τοῦ σπαθιοῦ τὴν τρομερή</p>
        <p>Russian: Зарегистрируйтесь сейчас на Десятую Международную Конференцию</p>
        <p>Japanese: いろはにほへと ちりぬるを</p>
        <p>Thai: ๏ เป็นมนุษย์สุดประเสริฐเลิศคุณค่า</p>
        <p>Runes: ᚻᛖ ᚳᚹᚫᚦ ᚦᚫᛏ ᚻᛖ ᛒᚢᛞᛖ ᚩᚾ ᚦᚫᛗ</p>
        <p>Braille: ⡌⠁⠧⠑ ⠼⠁⠒  ⡍⠜⠇⠑⠹⠰⠎ ⡣⠕⠌</p>
        <p>Emoji: 🧭 🚀 ✅</p>
        </body>
        </html>

        """

    static let slideshowXML = """
        <?xml version="1.0" encoding="utf-8"?>
        <!--  A SAMPLE set of slides  -->
        <slideshow title="Sample Slide Show" date="Date of publication" author="Yours Truly">
            <!-- TITLE SLIDE -->
            <slide type="all">
                <title>Wake up to WonderWidgets!</title>
            </slide>
            <!-- OVERVIEW -->
            <slide type="all">
                <title>Overview</title>
                <item>Why <em>WonderWidgets</em> are great</item>
                <item/>
                <item>Who <em>buys</em> WonderWidgets</item>
            </slide>
        </slideshow>

        """
}

extension SplitMix64 {
    /// Appends `count` pseudo-random bytes (for `/bytes`).
    mutating func fill(_ buffer: inout ByteBuffer, count: Int) {
        buffer.reserveCapacity(minimumWritableBytes: count)
        var remaining = count
        while remaining >= 8 {
            buffer.writeInteger(next(), endianness: .little)
            remaining -= 8
        }
        if remaining > 0 {
            let last = next()
            for i in 0..<remaining { buffer.writeInteger(UInt8(truncatingIfNeeded: last >> (8 * UInt64(i)))) }
        }
    }
}

extension ContentRoutes {
    /// `GET /`: what this instance serves.
    static func index() -> Response {
        Reply.text("""
            <!DOCTYPE html><html><head><title>fathom mock</title></head><body>
            <h1>fathom mock</h1><p>An embedded instance: postman-echo compatible routes (/get, /post, /headers, /status/N, ...)
            and a slice of Sonar's GraphQL API at POST /api/graphql.</p></body></html>
            """, contentType: "text/html; charset=utf-8")
    }
}
