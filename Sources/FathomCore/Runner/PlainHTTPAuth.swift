/// Credentials never cross a network in clear: a request that carries a bearer
/// token, basic credentials, an API key, an OAuth 2.0 token, NTLM credentials, an
/// `Authorization` header or a password in its URL is refused when its URL is
/// plain `http://` to a host that is not this machine, unless the run allows it
/// (`--allow-insecure-auth`). Loopback is exempt: nothing leaves the machine.
///
/// Schemes that never send their secret (digest, OAuth 1.0a, Hawk, AWS SigV4 sign
/// the request with it) are not refused.
public enum PlainHTTPAuth {
    /// The refusal for a request carrying `credential` (`"a bearer token"`) to
    /// `url`, or nil when it may go.
    public static func refusal(url: String, carrying credential: String) -> String? {
        let parts = URLNormalizer.parse(url)
        guard parts.scheme?.lowercased() == "http" else { return nil }
        let host = parts.host
        guard !isLoopback(host) else { return nil }
        return "refusing to send \(credential) over plain http:// to \(host.isEmpty ? "the host" : host): anyone on the network path could read it. Use https://, or --allow-insecure-auth if this instance really is reached without TLS"
    }

    /// `localhost` (and names under `.localhost`), 127.0.0.0/8, `::1`, and the
    /// unspecified addresses, which connect to this machine.
    public static func isLoopback(_ rawHost: String) -> Bool {
        var host = rawHost.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        if host == "::1" || host == "0:0:0:0:0:0:0:1" || host == "::" || host == "0.0.0.0" { return true }
        if host.hasPrefix("::ffff:") { return isLoopback(String(host.dropFirst(7))) }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }), octets[0] == "127" {
            return true
        }
        return false
    }
}
