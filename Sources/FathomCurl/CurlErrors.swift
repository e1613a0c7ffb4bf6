import CCurl
import FathomCore

extension TransportError.Kind {
    /// The transport error kind for a libcurl result code.
    static func forCurlCode(_ code: CURLcode) -> TransportError.Kind {
        switch code {
        case CURLE_URL_MALFORMAT:
            return .invalidURL
        case CURLE_UNSUPPORTED_PROTOCOL:
            return .unsupportedProtocol
        case CURLE_COULDNT_RESOLVE_HOST:
            return .dns
        case CURLE_COULDNT_CONNECT:
            return .connect
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_PROXY:
            return .proxy
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge
        case CURLE_SEND_ERROR:
            return .sendFailed
        case CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return .receiveFailed
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        default:
            return .other
        }
    }
}

extension TransportError {
    /// An error for a failed libcurl call: the kind from the code, the message from
    /// the handle's error buffer (when it has one) and `curl_easy_strerror`.
    static func curl(_ code: CURLcode, errorBuffer: UnsafePointer<CChar>?) -> TransportError {
        let summary = String(cString: curl_easy_strerror(code))
        var message = summary
        if let errorBuffer, errorBuffer.pointee != 0 {
            var detail = String(cString: errorBuffer)
            while let last = detail.last, last == "\n" || last == "\r" { detail.removeLast() }
            if !detail.isEmpty && detail != summary { message = "\(detail) (\(summary))" }
        }
        return TransportError(.forCurlCode(code), message, code: Int(code.rawValue))
    }
}
