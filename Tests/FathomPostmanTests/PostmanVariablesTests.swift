import FathomCore
import FathomPostman
import Foundation
import Testing

/// Environment and globals files from the corpus, read as Postman writes them.
@Suite struct PostmanVariablesTests {
    let corpus: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/../shared/corpus/postman/"
    }()

    func read(_ name: String) throws -> EnvironmentValues {
        try PostmanVariables.read(PostmanFile.read(corpus + name))
    }

    @Test func disabledValuesAreLeftOutAndTheLastDuplicateWins() throws {
        let env = try read("postmanlabs__newman__disabled-and-duplicates.postman_environment.json")
        #expect(env.name == "disabled-and-duplicates")
        #expect(env.variables["justDisabled"] == nil)
        #expect(env.variables["oneDisabled"] == "1")
        #expect(env.variables["duplicate"] == "2")
    }

    @Test func aUTF8ByteOrderMarkIsIgnored() throws {
        let env = try read("postmanlabs__newman__bom-in-environment-file.postman_environment.json")
        #expect(!env.variables.isEmpty)
        #expect(env.variables.keys.allSatisfy { !$0.hasPrefix("\u{FEFF}") })
    }

    @Test func utf16LittleEndianIsDecoded() throws {
        let env = try read("postmanlabs__newman__utf16-le-encoding-in-env.postman_environment.json")
        #expect(env.variables["serviceHostName"] == "localhost")
        #expect(env.variables["expectedDataXML"]?.stringValue?.hasPrefix("<root xmlns:xsi=") == true)
    }

    @Test func legacyGlobalsArrayAndEnabledFalse() throws {
        let globals = try read("postmanlabs__newman__globals-env-data-files.postman_globals.json")
        #expect(globals.variables["Global Foo"] == "Global Bar")
        #expect(globals.variables["full_global_url"] == "https://postman-echo.com/get")
        let d = NSTemporaryDirectory() + "fathom-env-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: d) }
        try #"{"name": "x", "values": [{"key": "off", "value": "1", "enabled": false}, {"key": "s", "value": "hush", "type": "secret"}]}"#
            .write(toFile: d, atomically: true, encoding: .utf8)
        let env = try PostmanVariables.read(PostmanFile.read(d))
        #expect(env.variables["off"] == nil)  // Newman would keep it; Fathom honours enabled: false
        #expect(env.secrets == ["s"])
    }

    @Test func exportMasksSecretsUnlessAsked() throws {
        let text = PostmanVariables.export(name: "e", scope: "environment", variables: ["a": "1", "s": "hush"], secrets: ["s"], revealSecrets: false)
        #expect(text.contains("\"value\": \"***\""))
        #expect(!text.contains("hush"))
        let json = try JSONParser.parse(text)
        #expect(json["_postman_variable_scope"] == "environment")
        let clear = PostmanVariables.export(name: "e", scope: "globals", variables: ["s": "hush"], secrets: ["s"], revealSecrets: true)
        #expect(clear.contains("hush"))
    }
}
