/// Message digests the core needs (OAuth 1.0a and Hawk signatures, body hashes),
/// implemented outside the core on a real crypto library (`FathomCrypto.LibCrypto`),
/// so the core imports no C module.
public enum HashAlgorithm: String, Sendable, CaseIterable {
    case md5, sha1, sha256, sha512
}

public protocol Hashing: Sendable {
    func hash(_ algorithm: HashAlgorithm, _ data: [UInt8]) -> [UInt8]
    func hmac(_ algorithm: HashAlgorithm, key: [UInt8], data: [UInt8]) -> [UInt8]
}

extension Hashing {
    /// Lower-case hexadecimal digest of UTF-8 text.
    public func hexHash(_ algorithm: HashAlgorithm, _ text: String) -> String {
        hexEncode(hash(algorithm, Array(text.utf8)))
    }
}

/// Lower-case hexadecimal.
public func hexEncode(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}
