import FathomCore
import Testing

@testable import FathomMock

@Suite("Echo routes")
struct EchoRouteTests {
    @Test func getEchoesArgsHeadersAndURL() async throws {
        try await withServer { server in
            let url = "\(server.baseURL)/get?foo=bar&tag=a&tag=b&space=a+b%20c&empty="
            let response = try await HTTPTestClient.send(url, headers: ["X-Custom-Header": "Value"])
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json; charset=utf-8")
            let json = try response.json()
            #expect(json.objectValue?.keys == ["args", "headers", "url"])
            #expect(json["args"] == ["foo": "bar", "tag": ["a", "b"], "space": "a b c", "empty": ""])
            #expect(json["headers"]?["x-custom-header"] == "Value")
            #expect(json["headers"]?["host"] == .string("127.0.0.1:\(server.port!)"))
            // Every header name is lower case.
            for key in json["headers"]?.objectValue?.keys ?? [] { #expect(key == key.lowercased()) }
            #expect(json["url"] == .string(url))
        }
    }

    @Test func getIsMethodChecked() async throws {
        try await withServer { server in
            let response = try await HTTPTestClient.send("POST", "\(server.baseURL)/get", body: Array("x".utf8))
            #expect(response.status == 405)
            #expect(response.header("allow") == "GET, HEAD, OPTIONS")
            let wrong = try await HTTPTestClient.send("GET", "\(server.baseURL)/post")
            #expect(wrong.status == 405)
        }
    }

    @Test func headRequestHasNoBody() async throws {
        try await withServer { server in
            let response = try await HTTPTestClient.raw(
                port: server.port!, "HEAD /get HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            #expect(response.head.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func postJSONBody() async throws {
        try await withServer { server in
            let response = try await HTTPTestClient.send(
                "POST", "\(server.baseURL)/post?x=1", headers: ["Content-Type": "application/json"],
                body: Array(#"{"name":"fathom","n":[1,2]}"#.utf8)
            )
            #expect(response.status == 200)
            let json = try response.json()
            #expect(json.objectValue?.keys == ["args", "data", "files", "form", "headers", "json", "url"])
            #expect(json["args"] == ["x": "1"])
            #expect(json["json"] == ["name": "fathom", "n": [1, 2]])
            #expect(json["data"] == ["name": "fathom", "n": [1, 2]])
            #expect(json["form"] == [:])
            #expect(json["files"] == [:])
            #expect(json["headers"]?["content-type"] == "application/json")
        }
    }

    @Test func postFormBody() async throws {
        try await withServer { server in
            let response = try await HTTPTestClient.send(
                "POST", "\(server.baseURL)/post", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Array("foo1=bar1&foo2=bar+2&foo2=%C3%A9".utf8)
            )
            let json = try response.json()
            #expect(json["form"] == ["foo1": "bar1", "foo2": ["bar 2", "é"]])
            #expect(json["json"] == ["foo1": "bar1", "foo2": ["bar 2", "é"]])
            #expect(json["data"] == "")
        }
    }

    @Test func postRawTextBody() async throws {
        try await withServer { server in
            let response = try await HTTPTestClient.send(
                "POST", "\(server.baseURL)/post", headers: ["Content-Type": "text/plain"],
                body: Array("Duis posuere augue vel cursus pharetra.".utf8)
            )
            let json = try response.json()
            #expect(json["data"] == "Duis posuere augue vel cursus pharetra.")
            #expect(json["json"] == .null)
            #expect(json["form"] == [:])
        }
    }

    @Test func postWithoutBody() async throws {
        try await withServer { server in
            let response = try await HTTPTestClient.send("POST", "\(server.baseURL)/post")
            let json = try response.json()
            #expect(json["data"] == "")
            #expect(json["json"] == .null)
        }
    }

    @Test func postMultipartBody() async throws {
        try await withServer { server in
            let boundary = "----FathomBoundary7MA4YWxkTrZu0gW"
            var body = ""
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue one\r\n"
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\nx\r\n"
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\ny\r\n"
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"hello.txt\"\r\n"
            body += "Content-Type: text/plain\r\n\r\nHello, file!\r\n"
            body += "--\(boundary)--\r\n"
            let response = try await HTTPTestClient.send(
                "POST", "\(server.baseURL)/post",
                headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"], body: Array(body.utf8)
            )
            let json = try response.json()
            #expect(json["form"] == ["field": "value one", "tag": ["x", "y"]])
            #expect(json["files"] == ["hello.txt": "data:application/octet-stream;base64,SGVsbG8sIGZpbGUh"])
            #expect(json["data"] == "")
        }
    }

    @Test(arguments: ["PUT", "PATCH", "DELETE"])
    func otherMethodsEchoBodies(method: String) async throws {
        try await withServer { server in
            let response = try await HTTPTestClient.send(
                method, "\(server.baseURL)/\(method.lowercased())?a=1", headers: ["Content-Type": "application/json"],
                body: Array(#"{"ok":true}"#.utf8)
            )
            #expect(response.status == 200)
            let json = try response.json()
            #expect(json["json"] == ["ok": true])
            #expect(json["args"] == ["a": "1"])
            let wrong = try await HTTPTestClient.send("GET", "\(server.baseURL)/\(method.lowercased())")
            #expect(wrong.status == 405)
        }
    }

    @Test func headersRoute() async throws {
        try await withServer { server in
            let response = try await HTTPTestClient.send("\(server.baseURL)/headers", headers: ["My-Sample-Header": "Lorem ipsum"])
            let json = try response.json()
            #expect(json.objectValue?.keys == ["headers"])
            #expect(json["headers"]?["my-sample-header"] == "Lorem ipsum")
        }
    }

    @Test func anythingEchoesTheMethod() async throws {
        try await withServer { server in
            let response = try await HTTPTestClient.send(
                "PUT", "\(server.baseURL)/anything/deep/path?q=1", headers: ["Content-Type": "text/plain"],
                body: Array("hi".utf8)
            )
            let json = try response.json()
            #expect(json["method"] == "PUT")
            #expect(json["data"] == "hi")
            #expect(json["args"] == ["q": "1"])
        }
    }

    @Test func unknownRouteIs404JSON() async throws {
        try await withServer { server in
            let response = try await HTTPTestClient.send("\(server.baseURL)/no/such/route")
            #expect(response.status == 404)
            #expect(response.header("content-type") == "application/json; charset=utf-8")
            #expect(try response.json() == ["error": "not found", "path": "/no/such/route"])
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await withServer(MockConfiguration(port: 0, maxBodySize: 1024)) { server in
            // Declared too large: refused without reading it.
            let declared = try await HTTPTestClient.raw(
                port: server.port!,
                "POST /post HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 20000000\r\n\r\n"
            )
            #expect(declared.head.hasPrefix("HTTP/1.1 413"))
            // Chunked and too large: refused once the limit is crossed.
            let chunk = String(repeating: "a", count: 2000)
            let chunked = try await HTTPTestClient.raw(
                port: server.port!,
                "POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "\(String(chunk.utf8.count, radix: 16))\r\n\(chunk)\r\n0\r\n\r\n"
            )
            #expect(chunked.head.hasPrefix("HTTP/1.1 413"))
            // Within the limit: fine.
            let small = try await HTTPTestClient.send("POST", "\(server.baseURL)/post", body: Array(repeating: 65, count: 1000))
            #expect(small.status == 200)
        }
    }
}
