import FathomCore
import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the connection, for `/ip`.
struct MockRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}

/// Dispatches every request with a plain `switch` on the path: no router trie, no regex.
struct MockResponder: HTTPResponder {
    typealias Context = MockRequestContext

    let configuration: MockConfiguration
    let sonar: SonarServiceHolder

    func respond(to request: Request, context: MockRequestContext) async throws -> Response {
        if configuration.latencyMs > 0 {
            try await Task.sleep(for: .milliseconds(configuration.latencyMs))
        }
        if configuration.rawEcho {
            guard let body = try await readBody(request) else { return Reply.tooLarge(limit: configuration.maxBodySize) }
            return EchoRoutes.raw(request, body: body)
        }
        var path = Substring(request.uri.path)
        // Repeated slashes route as one, as httpbin's server merges them.
        if path.contains("//") { path = Substring(path.replacingOccurrences(of: "//", with: "/").replacingOccurrences(of: "//", with: "/")) }
        if path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        // HEAD is answered as GET without the body.
        let isHead = request.method == .head
        let method: HTTPRequest.Method = isHead ? .get : request.method
        let response = try await route(path: path, method: method, request: request, context: context)
        return isHead ? response.createHeadResponse() : response
    }

    private func route(
        path: Substring, method: HTTPRequest.Method, request: Request, context: MockRequestContext
    ) async throws -> Response {
        switch path {
        case "/":
            return ContentRoutes.index()
        case "/get":
            guard method == .get || method == .options else { return Reply.methodNotAllowed(method, path: path, allow: "GET, HEAD, OPTIONS") }
            return EchoRoutes.get(request)
        case "/oauth2/token":
            guard method == .post else { return Reply.methodNotAllowed(method, path: path, allow: "POST") }
            guard let body = try await readBody(request) else { return Reply.tooLarge(limit: configuration.maxBodySize) }
            return AuthRoutes.oauth2Token(request, body: body)
        case "/oauth2/user/info":
            return AuthRoutes.oauth2UserInfo(request)
        case "/post", "/put", "/patch", "/delete":
            let expected: HTTPRequest.Method =
                switch path {
                case "/post": .post
                case "/put": .put
                case "/patch": .patch
                default: .delete
                }
            guard method == expected else {
                return Reply.methodNotAllowed(method, path: path, allow: expected.rawValue)
            }
            guard let body = try await readBody(request) else { return Reply.tooLarge(limit: configuration.maxBodySize) }
            return EchoRoutes.echo(request, body: body, includeMethod: false)
        case "/anything":
            guard let body = try await readBody(request) else { return Reply.tooLarge(limit: configuration.maxBodySize) }
            return EchoRoutes.echo(request, body: body, includeMethod: true)
        case "/headers":
            return EchoRoutes.headers(request)
        case "/basic-auth":
            return AuthRoutes.basic(request)
        case "/digest-auth":
            return AuthRoutes.digest(request)
        case "/bearer":
            return AuthRoutes.bearer(request, token: configuration.token)
        case "/oauth1":
            guard let body = try await readBody(request) else { return Reply.tooLarge(limit: configuration.maxBodySize) }
            return SigningRoutes.oauth1(request, body: body)
        case "/auth/hawk":
            guard let body = try await readBody(request) else { return Reply.tooLarge(limit: configuration.maxBodySize) }
            return SigningRoutes.hawk(request, body: body)
        case "/cookies":
            return CookieRoutes.list(request)
        case "/cookies/set":
            return CookieRoutes.set(request)
        case "/cookies/delete":
            return CookieRoutes.delete(request)
        case "/response-headers":
            return ContentRoutes.responseHeaders(request)
        case "/redirect-to":
            return RedirectRoutes.redirectTo(request)
        case "/gzip":
            return CompressionRoutes.gzip(request)
        case "/deflate":
            return CompressionRoutes.deflate(request)
        case "/encoding/utf8":
            return ContentRoutes.utf8Page()
        case "/xml":
            return ContentRoutes.xml()
        case "/ip":
            return ContentRoutes.ip(context.channel)
        case "/time/now":
            return ContentRoutes.timeNow()
        case "/api/graphql":
            guard method == .post else { return Reply.methodNotAllowed(method, path: path, allow: "POST") }
            return try await sonar.get().handle(request) { try await readBody(request) }
        default:
            break
        }
        // Routes with one trailing path parameter.
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
            return Reply.notFound(path: path)
        }
        let prefix = path[..<slash]
        let parameter = path[path.index(after: slash)...]
        switch prefix {
        case "/status":
            return ContentRoutes.status(parameter)
        case "/delay":
            return await ContentRoutes.delay(parameter)
        case "/redirect":
            return RedirectRoutes.redirect(parameter)
        case "/bytes":
            return ContentRoutes.bytes(parameter, request: request)
        case "/stream":
            return SigningRoutes.stream(parameter, request: request)
        case "/type":
            return SigningRoutes.type(parameter)
        default:
            if path.hasPrefix("/anything/") {
                guard let body = try await readBody(request) else {
                    return Reply.tooLarge(limit: configuration.maxBodySize)
                }
                return EchoRoutes.echo(request, body: body, includeMethod: true)
            }
            return Reply.notFound(path: path)
        }
    }

    /// The whole request body, or `nil` when it exceeds the configured limit.
    private func readBody(_ request: Request) async throws -> [UInt8]? {
        let limit = configuration.maxBodySize
        if let declared = request.headers[.contentLength], let length = Int(declared), length > limit {
            return nil
        }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            return nil
        }
    }
}
