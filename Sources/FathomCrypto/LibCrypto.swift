import CCrypto
import FathomCore

/// `Hashing` on OpenSSL's libcrypto: the one module that touches it.
///
/// Used for HMAC signatures (OAuth 1.0a, Hawk), the embedded instance's digest
/// authentication (MD5) and, later, the script sandbox's `crypto-js` subset.
public struct LibCrypto: Hashing {
    public init() {}

    public func hash(_ algorithm: HashAlgorithm, _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(fathom_max_md_size()))
        let length = data.withUnsafeBytes { bytes in
            fathom_digest(algorithm.openSSLName, bytes.baseAddress, bytes.count, &out)
        }
        // Every algorithm here is built into libcrypto; a failure is a broken installation.
        precondition(length > 0, "libcrypto cannot compute \(algorithm.openSSLName)")
        return Array(out.prefix(Int(length)))
    }

    public func hmac(_ algorithm: HashAlgorithm, key: [UInt8], data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(fathom_max_md_size()))
        let capacity = out.count
        let length = key.withUnsafeBytes { k in
            data.withUnsafeBytes { d in
                fathom_hmac(algorithm.openSSLName, k.baseAddress, k.count, d.baseAddress, d.count, &out, capacity)
            }
        }
        precondition(length > 0, "libcrypto cannot compute HMAC-\(algorithm.openSSLName)")
        return Array(out.prefix(length))
    }
}

extension HashAlgorithm {
    var openSSLName: String {
        switch self {
        case .md5: return "MD5"
        case .sha1: return "SHA1"
        case .sha256: return "SHA256"
        case .sha512: return "SHA512"
        }
    }
}
