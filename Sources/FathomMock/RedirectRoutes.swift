import FathomCore
import Hummingbird

/// `/redirect/{n}` and `/redirect-to?url=…&status_code=…`.
enum RedirectRoutes {
    static let maxRedirects = 100

    /// 302 to `/redirect/{n-1}`, the last one to `/get`.
    static func redirect(_ parameter: Substring) -> Response {
        guard let n = Int(parameter), n >= 1, n <= maxRedirects else {
            return Reply.badRequest("redirect count must be an integer from 1 to \(maxRedirects)")
        }
        return Reply.redirect(to: n == 1 ? "/get" : "/redirect/\(n - 1)")
    }

    /// Redirects to `url` with `status_code` (a 3xx; 302 by default).
    static func redirectTo(_ request: Request) -> Response {
        let pairs = request.uri.query.map { FormCoding.pairs(Substring($0)) } ?? []
        guard let url = pairs.first(where: { $0.0 == "url" })?.1, !url.isEmpty,
            !url.utf8.contains(where: { $0 < 32 || $0 == 127 })
        else {
            return Reply.badRequest("the url query parameter is required")
        }
        var status = HTTPResponse.Status.found
        if let code = pairs.first(where: { $0.0 == "status_code" }).flatMap({ Int($0.1) }) {
            guard (300...399).contains(code) else { return Reply.badRequest("status_code must be a 3xx code") }
            status = HTTPResponse.Status(code: code)
        }
        return Reply.redirect(to: url, status: status)
    }
}
