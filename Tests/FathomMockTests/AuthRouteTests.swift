import FathomCore
import Foundation
import Testing

@testable import FathomMock

@Suite("Auth routes")
struct AuthRouteTests {
    @Test func basicAuthPassAndFail() async throws {
        try await withServer { server in
            let good = Data("postman:password".utf8).base64EncodedString()
            let ok = try await HTTPTestClient.request(port: server.port!, "/basic-auth", headers: ["Authorization": "Basic \(good)"])
            #expect(ok.status == 200)
            #expect(try ok.json() == ["authenticated": true])

            let bad = Data("postman:wrong".utf8).base64EncodedString()
            let denied = try await HTTPTestClient.request(port: server.port!, "/basic-auth", headers: ["Authorization": "Basic \(bad)"])
            #expect(denied.status == 401)
            let missing = try await HTTPTestClient.request(port: server.port!, "/basic-auth")
            #expect(missing.status == 401)
            #expect(missing.header("www-authenticate")?.hasPrefix("Basic") == true)
        }
    }

    @Test func digestChallengeThenSuccess() async throws {
        try await withServer { server in
            let challenge = try await HTTPTestClient.request(port: server.port!, "/digest-auth")
            #expect(challenge.status == 401)
            let header = try #require(challenge.header("www-authenticate"))
            #expect(header.hasPrefix("Digest "))
            let parameters = AuthRoutes.digestParameters(header.dropFirst("Digest ".count))
            #expect(parameters["realm"] == "Users")
            #expect(parameters["qop"] == "auth")
            let nonce = try #require(parameters["nonce"])
            let opaque = try #require(parameters["opaque"])

            // The client side of RFC 7616, qop=auth.
            let uri = "/digest-auth"
            let cnonce = "0a4f113b"
            let nc = "00000001"
            let ha1 = md5Hex("postman:Users:password")
            let ha2 = md5Hex("GET:\(uri)")
            let response = md5Hex("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
            let authorization =
                "Digest username=\"postman\", realm=\"Users\", nonce=\"\(nonce)\", uri=\"\(uri)\", "
                + "algorithm=MD5, qop=auth, nc=\(nc), cnonce=\"\(cnonce)\", response=\"\(response)\", opaque=\"\(opaque)\""
            let ok = try await HTTPTestClient.request(port: server.port!, "/digest-auth", headers: ["Authorization": authorization])
            #expect(ok.status == 200)
            #expect(try ok.json() == ["authenticated": true])

            // RFC 2069 style (no qop) works as well.
            let legacy = md5Hex("\(ha1):\(nonce):\(ha2)")
            let legacyHeader = "Digest username=\"postman\", realm=\"Users\", nonce=\"\(nonce)\", uri=\"\(uri)\", response=\"\(legacy)\""
            let ok2 = try await HTTPTestClient.request(port: server.port!, "/digest-auth", headers: ["Authorization": legacyHeader])
            #expect(ok2.status == 200)

            // A wrong password fails.
            let wrong = md5Hex("\(md5Hex("postman:Users:nope")):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
            let badHeader = authorization.replacingOccurrences(of: response, with: wrong)
            let denied = try await HTTPTestClient.request(port: server.port!, "/digest-auth", headers: ["Authorization": badHeader])
            #expect(denied.status == 401)
        }
    }

    @Test func bearerPassAndFail() async throws {
        try await withServer { server in
            let ok = try await HTTPTestClient.request(port: server.port!, "/bearer", headers: ["Authorization": "Bearer \(MockConfiguration.demoToken)"]
            )
            #expect(ok.status == 200)
            #expect(try ok.json() == ["authenticated": true, "token": .string(MockConfiguration.demoToken)])

            let wrong = try await HTTPTestClient.request(port: server.port!, "/bearer", headers: ["Authorization": "Bearer nope"])
            #expect(wrong.status == 401)
            #expect(try wrong.json()["error"] == "unauthorized")
            let missing = try await HTTPTestClient.request(port: server.port!, "/bearer")
            #expect(missing.status == 401)
            #expect(missing.header("content-type") == "application/json; charset=utf-8")
        }
    }

    @Test func configuredToken() async throws {
        try await withServer(MockConfiguration(port: 0, token: "s3cret")) { server in
            let ok = try await HTTPTestClient.request(port: server.port!, "/bearer", headers: ["Authorization": "Bearer s3cret"])
            #expect(ok.status == 200)
            let demo = try await HTTPTestClient.request(port: server.port!, "/bearer", headers: ["Authorization": "Bearer \(MockConfiguration.demoToken)"]
            )
            #expect(demo.status == 401)
        }
    }

    @Test func md5KnownAnswers() {
        // RFC 1321 appendix A.5.
        #expect(md5Hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(md5Hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(md5Hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(
            md5Hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890")
                == "57edf4a22be3c955ac49da2e2107b67a")
    }

    private func md5Hex(_ text: String) -> String { MD5.hex(text) }
}
