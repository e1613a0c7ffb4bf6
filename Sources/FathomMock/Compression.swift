import CompressNIO
import NIOCore

/// Real deflate streams for `/gzip` and `/deflate`, compressed by zlib through
/// adam-fowler/compress-nio, so clients' inflaters (and gzip-bomb limits) are
/// exercised on genuinely compressed data.
enum Compression {
    /// A gzip (RFC 1952) stream.
    static func gzip(_ data: [UInt8]) -> [UInt8]? { compress(data, with: .gzip()) }

    /// `Content-Encoding: deflate` as HTTP means it: a zlib (RFC 1950) stream.
    static func zlib(_ data: [UInt8]) -> [UInt8]? { compress(data, with: .zlib()) }

    /// nil only if zlib itself fails (it has no reason to on an in-memory buffer).
    private static func compress(_ data: [UInt8], with algorithm: CompressionAlgorithm) -> [UInt8]? {
        var input = ByteBuffer(bytes: data)
        guard let output = try? input.compress(with: algorithm) else { return nil }
        return Array(output.readableBytesView)
    }
}
