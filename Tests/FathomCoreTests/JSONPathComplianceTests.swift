import Foundation
import Testing
@testable import FathomCore

/// Runs every case of the JSONPath Compliance Test Suite (`shared/corpus/jsonpath/cts.json`).
@Suite struct JSONPathComplianceTests {
    struct Case {
        var name: String
        var selector: String
        var document: JSON?
        var invalid: Bool
        var results: [[JSON]]  // acceptable orderings
        var paths: [[String]]  // acceptable path orderings, parallel to `results` (may be empty)
    }

    static var ctsURL: URL {
        // <root>/Tests/FathomCoreTests/<file> → <root>/../shared/corpus/jsonpath/cts.json
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/corpus/jsonpath/cts.json")
            .standardizedFileURL
    }

    static func loadCases() throws -> [Case] {
        let data = try Data(contentsOf: ctsURL)
        let suite = try JSONParser.parse(data)
        guard let tests = suite["tests"]?.arrayValue else {
            throw CTSError.malformed("no 'tests' array")
        }
        return try tests.map { t in
            guard let name = t["name"]?.stringValue, let selector = t["selector"]?.stringValue else {
                throw CTSError.malformed("case without name or selector: \(t.serialized())")
            }
            var results: [[JSON]] = []
            var paths: [[String]] = []
            if let r = t["result"]?.arrayValue { results = [r] }
            if let rs = t["results"]?.arrayValue { results = rs.compactMap(\.arrayValue) }
            if let p = t["result_paths"]?.arrayValue { paths = [p.compactMap(\.stringValue)] }
            if let ps = t["results_paths"]?.arrayValue { paths = ps.map { ($0.arrayValue ?? []).compactMap(\.stringValue) } }
            return Case(name: name, selector: selector, document: t["document"],
                        invalid: t["invalid_selector"]?.boolValue ?? false, results: results, paths: paths)
        }
    }

    enum CTSError: Error { case malformed(String) }

    static func same(_ a: [JSON], _ b: [JSON]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { JPCompare.equal($0, $1) }
    }

    /// Checks one case; returns a description of the failure, or `nil` when it passes.
    static func check(_ c: Case) -> String? {
        let path: JSONPath
        do {
            path = try JSONPath.compile(c.selector)
        } catch {
            return c.invalid ? nil : "failed to compile: \(error)"
        }
        if c.invalid { return "compiled, but the selector is invalid" }
        guard let document = c.document else { return "case has no document" }
        let got = path.select(document)
        guard let k = c.results.firstIndex(where: { same($0, got) }) else {
            let expected = c.results.map { JSON.array($0).serialized() }.joined(separator: " or ")
            return "got \(JSON.array(got).serialized()), expected \(expected)"
        }
        let nodes = path.selectNodes(document)
        if !same(nodes.map(\.value), got) { return "selectNodes values differ from select" }
        if !c.paths.isEmpty {
            let gotPaths = nodes.map(\.path)
            // The paths must match the ordering the values matched (or any, when orderings tie).
            let candidates = c.paths.indices.filter { c.results.indices.contains($0) && same(c.results[$0], got) }
            let ok = (candidates.isEmpty ? [k] : candidates).contains { c.paths.indices.contains($0) && c.paths[$0] == gotPaths }
            if !ok {
                return "got paths \(gotPaths), expected \(c.paths.map(\.description).joined(separator: " or "))"
            }
        }
        return nil
    }

    @Test func runsEveryComplianceCase() throws {
        let cases: [Case]
        do {
            cases = try Self.loadCases()
        } catch {
            Issue.record("cannot read the CTS at \(Self.ctsURL.path): \(error)")
            throw error
        }
        #expect(cases.count >= 703, "expected at least 703 CTS cases, found \(cases.count)")
        var failures = 0
        for c in cases {
            if let problem = Self.check(c) {
                failures += 1
                Issue.record("CTS case '\(c.name)' selector \(c.selector): \(problem)")
            }
        }
        print("JSONPath CTS: \(cases.count - failures)/\(cases.count) cases passed")
        #expect(failures == 0)
    }
}
