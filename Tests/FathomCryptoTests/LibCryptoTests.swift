import FathomCore
import FathomCrypto
import Testing

/// Known-answer vectors from the RFCs, through the real libcrypto.
@Suite struct LibCryptoTests {
    let crypto = LibCrypto()

    @Test func digests() {
        // RFC 1321 and FIPS 180 examples.
        #expect(crypto.hexHash(.md5, "") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(crypto.hexHash(.md5, "message digest") == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(crypto.hexHash(.sha1, "abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(crypto.hexHash(.sha256, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(crypto.hexHash(.sha512, "abc").hasPrefix("ddaf35a193617abacc417349ae204131"))
    }

    @Test func hmacRFC2202AndRFC4231() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        let data = Array("Hi There".utf8)
        #expect(hexEncode(crypto.hmac(.sha1, key: key, data: data)) == "b617318655057264e28bc0b6fb378c8ef146be00")
        #expect(hexEncode(crypto.hmac(.sha256, key: key, data: data)) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(hexEncode(crypto.hmac(.md5, key: [UInt8](repeating: 0x0b, count: 16), data: data)) == "9294727a3638bb1c13f48ef8158bfc9d")
        // RFC 4231 test case 2: a short key.
        #expect(hexEncode(crypto.hmac(.sha512, key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8)))
            == "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")
        // An empty key is legal.
        #expect(crypto.hmac(.sha1, key: [], data: []).count == 20)
    }
}
