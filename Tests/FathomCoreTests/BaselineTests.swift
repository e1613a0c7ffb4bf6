import Foundation
import Testing
@testable import FathomCore

/// Baseline comparison: normalisation, ignored nodes, unordered arrays, the paths and
/// values of differences, and the rules as the loader reads them.
@Suite struct BaselineTests {
    static func response(_ body: String, status: Int = 200, headers: [HTTPHeader] = [HTTPHeader("Content-Type", "application/json")]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Array(body.utf8), effectiveURL: "http://x/")
    }

    static func compare(_ old: String, _ new: String, rules: BaselineRules = BaselineRules(), oldStatus: Int = 200, newStatus: Int = 200) throws -> [AssertionResult] {
        let recorded = BaselineStore.normalise(response(old, status: oldStatus), rules: rules) { $0 }
        // Read back as a file would be: keys sorted.
        let reread = try JSONParser.parse(recorded.serialized(pretty: true, sortKeys: true))
        return BaselineDiff.compare(recorded: reread, current: BaselineStore.normalise(response(new, status: newStatus), rules: rules) { $0 }, rules: rules)
    }

    @Test func identicalResponsesMatchWhateverTheKeyOrder() throws {
        let r = try Self.compare(#"{"b": 1, "a": {"y": [1, 2.0], "x": null}}"#, #"{"a": {"x": null, "y": [1.0, 2]}, "b": 1}"#)
        #expect(r.count == 1 && r[0].passed && r[0].name == "baseline matches")
    }

    @Test func everyDifferenceIsAFailingAssertionAtItsPathWithBothValues() throws {
        let r = try Self.compare(
            #"{"data": {"name": "Olivia", "tags": ["a", "b"], "gone": 1, "odd key": true}}"#,
            #"{"data": {"name": "Jackson", "tags": ["a"], "new": {"k": 2}, "odd key": false}}"#, oldStatus: 200, newStatus: 500)
        let byName = Dictionary(uniqueKeysWithValues: r.map { ($0.name, $0) })
        #expect(r.allSatisfy { !$0.passed })
        #expect(byName["baseline status"]?.expected == "200" && byName["baseline status"]?.actual == "500")
        #expect(byName["baseline $.data.name"]?.expected == "\"Olivia\"" && byName["baseline $.data.name"]?.actual == "\"Jackson\"")
        #expect(byName["baseline $.data.tags[1]"]?.actual == "(absent)")
        #expect(byName["baseline $.data.gone"]?.message == "missing (it is in the baseline)")
        #expect(byName["baseline $.data.new"]?.message == "not in the baseline (new)")
        #expect(byName["baseline $.data['odd key']"]?.expected == "true")
        #expect(r.count == 6, "\(r.map(\.name))")
    }

    @Test func ignoredNodesAreNotComparedNorTheirPresence() throws {
        let rules = BaselineRules(ignore: ["$..updated_at", "$.data.items[0]"])
        let r = try Self.compare(
            #"{"data": {"updated_at": "1", "items": [{"id": 1, "updated_at": "x"}, {"id": 2}], "n": 1}}"#,
            #"{"data": {"items": [{"id": 9}, {"id": 2, "updated_at": "y"}], "n": 1}}"#, rules: rules)
        #expect(r.map(\.name) == ["baseline matches"], "\(r.map(\.name))")
        let changed = try Self.compare(#"{"data": {"n": 1, "updated_at": "1"}}"#, #"{"data": {"n": 2}}"#, rules: rules)
        #expect(changed.map(\.name) == ["baseline $.data.n"])
    }

    @Test func unorderedArraysCompareAsSetsInnerOnesFirst() throws {
        let old = #"{"groups": [{"name": "b", "members": [3, 1]}, {"name": "a", "members": [2]}]}"#
        let new = #"{"groups": [{"name": "a", "members": [2]}, {"name": "b", "members": [1, 3]}]}"#
        #expect(try Self.compare(old, new).count > 1)
        let rules = BaselineRules(unordered: ["$.groups", "$.groups[*].members"])
        #expect(try Self.compare(old, new, rules: rules).map(\.name) == ["baseline matches"])
        let different = try Self.compare(old, #"{"groups": [{"name": "a", "members": [2]}, {"name": "b", "members": [1, 4]}]}"#, rules: rules)
        #expect(different.contains { !$0.passed })
    }

    @Test func headersTextAndTheDifferenceCap() throws {
        let rules = BaselineRules(headers: ["X-Api-Version"])
        let old = BaselineStore.normalise(Self.response("plain", headers: [HTTPHeader("Content-Type", "text/plain"), HTTPHeader("X-Api-Version", "1")]), rules: rules) { $0 }
        let new = BaselineStore.normalise(Self.response("other", headers: [HTTPHeader("content-type", "text/plain"), HTTPHeader("x-api-version", "2"), HTTPHeader("Date", "now")]), rules: rules) { $0 }
        let r = BaselineDiff.compare(recorded: old, current: new, rules: rules)
        #expect(r.map(\.name) == ["baseline header x-api-version", "baseline body text"], "\(r.map(\.name))")
        let many = try Self.compare("[" + (0..<150).map(String.init).joined(separator: ",") + "]", "[" + (0..<150).map { String($0 + 1) }.joined(separator: ",") + "]")
        #expect(many.count == BaselineStore.maxDifferences + 1)
        #expect(many.last?.message == "50 more differences from the baseline are not listed")
    }

    @Test func secretsAreRedactedInWhatIsRecorded() {
        let n = BaselineStore.normalise(Self.response(#"{"auth": "Bearer tok-123", "tok-123": 1}"#), rules: BaselineRules()) { $0.replacingOccurrences(of: "tok-123", with: "***") }
        #expect(n.serialized() == #"{"status":200,"headers":{"content-type":"application/json"},"body":{"auth":"Bearer ***","***":1}}"#)
    }

    @Test func fileNamesStayInsideTheDirectory() {
        #expect(BaselineStore.fileName(forKey: "01-auth/01-me.json") == "01-auth/01-me.json")
        #expect(BaselineStore.fileName(forKey: "01-auth/01-me.json#3") == "01-auth/01-me.iteration-3.json")
        #expect(BaselineStore.fileName(forKey: "../Accounts/List: all?") == "_/Accounts/List_ all_.json")
        #expect(BaselineStore.key(requestID: "a.json", iteration: 2, iterations: 1) == "a.json")
        #expect(BaselineStore.requestID(ofKey: "a#b.json#2") == "a#b.json")
    }

    @Test func rulesAreReadAtEveryLevelAndBadOnesAreLocated() throws {
        let d = TempDir()
        d.write("c/collection.json", #"{"fathom": 1, "name": "c", "baseline": {"ignore": ["$..updated_at"]}}"#)
        d.write("c/f/folder.json", #"{"baseline": {"unordered": ["$.items"]}}"#)
        d.write("c/f/r.json", #"{"url": "http://x/", "baseline": {"ignore": ["$.id"], "headers": ["ETag"]}}"#)
        let spec = try CollectionLoader.load(d.path + "/c")
        let s = try #require(spec.flattened().first)
        let rules = s.folders.reduce(BaselineRules()) { $0.adding($1.settings.baseline) }.adding(s.request.baseline)
        #expect(rules.ignore == ["$..updated_at", "$.id"] && rules.unordered == ["$.items"] && rules.headers == ["ETag"])

        let bad = TempDir()
        bad.write("c/collection.json", "{\"fathom\": 1, \"name\": \"c\",\n \"baseline\": {\"ignore\": [\"$..[\"], \"unorderd\": []}}")
        bad.write("c/r.json", #"{"url": "http://x/", "baseline": ["$.a"]}"#)
        let errors = loadErrors(bad.path + "/c")
        #expect(errors.contains { $0.contains("collection.json:2:26") && $0.contains("'$..[' is not a JSONPath query") }, "\(errors)")
        #expect(errors.contains { $0.contains("unknown baseline key 'unorderd' (did you mean 'unordered'?)") }, "\(errors)")
        #expect(errors.contains { $0.contains("r.json") && $0.contains("'baseline' must be an object") }, "\(errors)")
    }
}
