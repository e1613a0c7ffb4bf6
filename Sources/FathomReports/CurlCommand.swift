import FathomCore
import Foundation

/// `--dry-run` output: each planned request as one equivalent `curl` command line,
/// after a `#` comment naming it. Secrets are already `***` in the plans.
///
///     # 1. Accounts / List
///     curl 'https://api.example.com/accounts?page=1' -H 'Authorization: ***' -H 'User-Agent: fathom/0.1'
///
/// Requests that could not be built are `# error: ...` comments (and a `#   at`
/// line with their location), skipped ones
/// `# skipped: ...`, so the output stays a valid shell script.
public enum CurlCommand {
    public static func script(_ plans: [PlannedRequest]) -> String {
        var out = ""
        for p in plans {
            out += "# \(p.info.index). \(oneLine(p.info.qualifiedName))\n"
            if let reason = p.skipReason {
                out += "# skipped: \(oneLine(reason))\n"
            } else if let error = p.error {
                out += "# error: \(oneLine(error))\n#   at \(oneLine(p.location))\n"
            } else {
                out += line(p) + "\n"
            }
        }
        return out
    }

    /// The curl command line of one built request.
    public static func line(_ p: PlannedRequest) -> String {
        var args: [String] = ["curl"]
        let hasBody: Bool
        if case .none = p.body { hasBody = false } else { hasBody = true }
        switch p.method {
        case "GET" where !hasBody: break
        case "HEAD": args.append("--head")
        default: args += ["-X", quote(p.method)]
        }
        args.append(quote(p.url))
        let isMultipart: Bool
        if case .multipart = p.body { isMultipart = true } else { isMultipart = false }
        for h in p.headers {
            // curl writes its own multipart boundary.
            if isMultipart, h.name.lowercased() == "content-type", h.value.hasPrefix("multipart/form-data; boundary=----fathom-") { continue }
            args += ["-H", quote(h.value.isEmpty ? "\(h.name);" : "\(h.name): \(h.value)")]
        }
        switch p.body {
        case .none: break
        case .text(let t): args += ["--data-raw", quote(t)]
        case .file(let path): args += ["--data-binary", quote("@" + path)]
        case .multipart(let parts):
            for part in parts {
                if let file = part.file {
                    args += ["-F", quote("\(part.name)=@\(file)" + (part.contentType.map { ";type=\($0)" } ?? ""))]
                } else {
                    args += ["--form-string", quote("\(part.name)=\(part.value ?? "")")]
                }
            }
        }
        switch p.auth {
        case nil: break
        case .digest(let u, let pw)?: args += ["--digest", "-u", quote("\(u):\(pw)")]
        case .ntlm(let u, let pw)?: args += ["--ntlm", "-u", quote("\(u):\(pw)")]
        case .awsSigV4(let provider, let k, let s)?: args += ["--aws-sigv4", quote(provider), "-u", quote("\(k):\(s)")]
        }
        let o = p.options
        args.append("--compressed")
        if o.followRedirects {
            args.append("-L")
            if o.maxRedirects != 10 { args += ["--max-redirs", String(o.maxRedirects)] }
            if o.followOriginalMethod { args += ["--post301", "--post302", "--post303"] }
        }
        if o.insecure { args.append("-k") }
        if let ms = o.timeoutMs { args += ["--max-time", seconds(ms)] }
        if let ms = o.connectTimeoutMs { args += ["--connect-timeout", seconds(ms)] }
        switch o.httpVersion {
        case .http1_1?: args.append("--http1.1")
        case .http2?: args.append("--http2")
        case nil: break
        }
        if let limit = o.maxResponseBytes { args += ["--max-filesize", String(limit)] }
        for c in o.connectTo { args += ["--connect-to", quote(c)] }
        if let c = o.caCertPath { args += ["--cacert", quote(c)] }
        if let c = o.clientCertPath { args += ["--cert", quote(c)] }
        if let k = o.clientKeyPath { args += ["--key", quote(k)] }
        return args.joined(separator: " ")
    }

    /// POSIX shell single quoting (`it's` → `'it'\''s'`); text with line breaks or
    /// other control characters is written `$'...'` with escapes, so each command
    /// stays on one line.
    static func quote(_ s: String) -> String {
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            var out = "$'"
            for u in s.unicodeScalars {
                switch u {
                case "\\": out += "\\\\"
                case "'": out += "\\'"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where u.value < 0x20 || u.value == 0x7F: out += String(format: "\\x%02X", u.value)
                default: out.unicodeScalars.append(u)
                }
            }
            return out + "'"
        }
        if !s.isEmpty, s.utf8.allSatisfy({ b in
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || "-_./:=@,+%".utf8.contains(b)
        }) {
            return s
        }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func seconds(_ ms: Int) -> String {
        ms % 1000 == 0 ? String(ms / 1000) : String(format: "%.3f", Double(ms) / 1000)
    }

    static func oneLine(_ s: String) -> String {
        s.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }
}
