import Foundation
import Testing

/// Every collection under collections/ is also a test: it must pass against the
/// embedded instance through the real binary, libcurl and loopback.
@Suite struct ExampleCollectionTests {
    static let examples: [String] = {
        let dir = "\(repoRoot)/collections/examples"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: "\(dir)/\($0)/collection.json") }.sorted()
    }()

    /// The Sonar collections: read-only smoke suite and the write chain.
    static let sonarCollections: [String] = {
        let dir = "\(repoRoot)/collections"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasPrefix("sonar-") && FileManager.default.fileExists(atPath: "\(dir)/\($0)/collection.json") }.sorted()
    }()

    @Test(arguments: sonarCollections)
    func sonarCollectionPassesAgainstTheMock(_ name: String) async throws {
        let reports = TempDir()
        let r = try await runFathom(["run", "collections/\(name)", "--mock", "--reports-dir", reports.path])
        #expect(r.status == 0, "\(name) exited \(r.status):\n\(r.output)")
    }

    @Test func sonarCollectionsAreThere() {
        #expect(Self.sonarCollections == ["sonar-smoke", "sonar-writes"])
    }

    @Test func sonarSmokeHasAtLeast25Requests() async throws {
        let r = try await runFathom(["validate", "collections/sonar-smoke"])
        #expect(r.status == 0, "\(r.output)")
        let words = r.stdout.split(separator: " ")
        let count = words.firstIndex(of: "valid:").flatMap { Int(words[$0 + 1]) } ?? 0
        #expect(count >= 25, "\(r.stdout)")
    }

    /// The Postman example for Sonar: scripts run, every pm.test passes, and what
    /// `fathom import` makes of it runs the same.
    @Test func sonarPostmanExamplePassesWithItsScripts() async throws {
        let reports = TempDir()
        let file = "collections/postman/sonar.postman_collection.json"
        let r = try await runFathom(["run", file, "--mock", "--reports-dir", reports.path, "--reporter", "console,junit"])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("6 run · 6 passed"), "\(r.stdout)")
        #expect(r.stdout.contains("✔ pm.sendRequest sees the same user"), "\(r.stdout)")
        #expect(r.stdout.contains("✔ exactly the account of the first page"), "\(r.stdout)")
        #expect(!r.stdout.contains("skipped:"), "\(r.stdout)")
        let imported = TempDir()
        let i = try await runFathom(["import", file, "--out", imported.path + "/sonar", "--force"])
        #expect(i.status == 0, "\(i.output)")
        let again = try await runFathom(["run", imported.path + "/sonar", "--mock", "--reports-dir", reports.path + "/2"])
        #expect(again.status == 0, "\(again.output)")
        #expect(again.stdout.contains("6 run · 6 passed"), "\(again.stdout)")
    }

    @Test func examplesExist() {
        #expect(Self.examples.count >= 10)
    }

    @Test(arguments: examples)
    func examplePassesAgainstTheMock(_ name: String) async throws {
        let dir = "collections/examples/\(name)"
        let reports = TempDir()
        var args = ["run", dir, "--mock", "--reports-dir", reports.path, "--reporter", "console,junit,json"]
        if FileManager.default.fileExists(atPath: "\(repoRoot)/\(dir)/environments/local.json") {
            args += ["--env", "local"]
        }
        let r = try await runFathom(args)
        #expect(r.status == 0, "\(name) exited \(r.status):\n\(r.output)")
        #expect(r.stdout.contains("0 failed"), "\(r.stdout)")
    }

    @Test func everyExampleDocumentsItself() async throws {
        for name in Self.examples {
            let data = try #require(FileManager.default.contents(atPath: "\(repoRoot)/collections/examples/\(name)/collection.json"))
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains("\"description\""), "\(name) has no description")
        }
    }
}
